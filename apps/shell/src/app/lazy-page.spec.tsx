import { render, screen } from '@testing-library/react';
import { Suspense } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { lazyPage } from './lazy-page.ts';
import { RouteErrorBoundary } from './route-error-boundary.tsx';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

const chunkGone = () =>
  Promise.reject(new TypeError('Failed to fetch dynamically imported module: /assets/admin-page-Old.js'));

describe('lazy pages after a shell redeploy', () => {
  it('reload the page once when their chunk is gone', async () => {
    const storage = memoryStorage();
    const reload = vi.fn();
    const Page = lazyPage(chunkGone, storage, reload);
    render(
      <Suspense fallback={<p>loading</p>}>
        <Page />
      </Suspense>,
    );
    await vi.waitFor(() => expect(reload).toHaveBeenCalledOnce());
    expect(screen.getByText('loading')).toBeTruthy();
  });

  it('give the error to the route after that one reload, instead of reloading for ever', async () => {
    const storage = memoryStorage();
    storage.setItem('atrium:reloaded-for-chunk', 'earlier');
    const reload = vi.fn();
    const Page = lazyPage(chunkGone, storage, reload);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    render(
      <RouteErrorBoundary resetKey="admin">
        <Suspense fallback={<p>loading</p>}>
          <Page />
        </Suspense>
      </RouteErrorBoundary>,
    );
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(reload).not.toHaveBeenCalled();
  });

  it('forget the reload once a chunk loads', async () => {
    const storage = memoryStorage();
    storage.setItem('atrium:reloaded-for-chunk', 'earlier');
    const Page = lazyPage(async () => ({ default: () => <p>Administration</p> }), storage, vi.fn());
    render(
      <Suspense fallback={<p>loading</p>}>
        <Page />
      </Suspense>,
    );
    expect(await screen.findByText('Administration')).toBeTruthy();
    expect(storage.getItem('atrium:reloaded-for-chunk')).toBeNull();
  });
});
