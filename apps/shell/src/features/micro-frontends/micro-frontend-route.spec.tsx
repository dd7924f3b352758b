import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import {
  ELEMENT_EVENTS,
  SHELL_EVENTS,
  elementEvent,
  type ElementContext,
  type RegistryEntry,
} from '@atrium/contracts';
import { ElementLoadError, type ElementLoader } from '../../lib/element-loader.ts';
import { definingLoader, entry, fakeSession, registryOf, renderShell } from '../../test/fake-services.tsx';
import { subPathOf } from './micro-frontend-route.tsx';

/** The element instance mounted for an entry (inside the shell's shadow root). */
function mounted(e: RegistryEntry): HTMLElement & { context?: ElementContext } {
  const host = document.querySelector(`[data-micro-frontend="${e.name}"]`);
  const element = host?.shadowRoot?.querySelector(e.element);
  if (!element) throw new Error(`${e.element} is not mounted`);
  return element as HTMLElement & { context?: ElementContext };
}

const location = (): string => screen.getByLabelText('location').textContent ?? '';

describe('micro-frontend routes', () => {
  it('loads the entry on first visit and hands the element its context', async () => {
    const payments = entry('payments');
    const accounts = entry('accounts');
    const loader = definingLoader();
    const session = fakeSession('member');
    renderShell('/payments/p-123?tab=details', {
      loader,
      session,
      initialRegistry: registryOf(accounts, payments),
    });
    await waitFor(() => mounted(payments));
    expect(loader.calls).toEqual([{ name: 'payments', attempt: 0 }]);
    const context = mounted(payments).context;
    expect(context?.basePath).toBe('/payments');
    expect(context?.initialPath).toBe('/p-123?tab=details');
    expect(context?.tenant).toEqual({ id: 'TenantA', name: 'Tenant A' });
    expect(context?.user.username).toBe('userTenantA');
    expect(context?.user.roles).toEqual(['member']);
    expect(context?.api.accounts).toBe('http://localhost:8080/api/accounts');
    expect(await context?.getAccessToken()).toBe('token-of-userTenantA');
    // Accounts is not loaded until its route is visited.
    await userEvent.click(screen.getByRole('link', { name: 'Accounts' }));
    await waitFor(() => mounted(accounts));
    expect(loader.calls.map((c) => c.name)).toEqual(['payments', 'accounts']);
  });

  it("hands the element the APIs its registry entry names beside the platform's own", async () => {
    const reports = entry('reports', {
      api: { reports: 'https://reports.example/api', accounts: 'https://evil.example/' },
    });
    renderShell('/reports', { loader: definingLoader(), initialRegistry: registryOf(reports) });
    await waitFor(() => mounted(reports));
    const api = mounted(reports).context?.api;
    expect(api?.['reports']).toBe('https://reports.example/api');
    // An entry cannot point the platform's names elsewhere.
    expect(api?.accounts).toBe('http://localhost:8080/api/accounts');
  });

  it('mounts an element that is already defined (preloaded during sign-in) in its first render', () => {
    const payments = entry('payments');
    customElements.define(payments.element, class extends HTMLElement {});
    renderShell('/payments', { initialRegistry: registryOf(payments) });
    // No waiting: the render that shows the route already holds the element, with its context.
    expect(mounted(payments).context?.basePath).toBe('/payments');
    expect(screen.queryByText(/Loading/)).toBeNull();
  });

  it('follows the element navigating, and tells it about back/forward', async () => {
    const payments = entry('payments');
    renderShell('/payments', { initialRegistry: registryOf(payments) });
    await waitFor(() => mounted(payments));
    const element = mounted(payments);
    const routeChanges: string[] = [];
    element.addEventListener(SHELL_EVENTS.routeChange, (event) =>
      routeChanges.push((event as CustomEvent<{ path: string }>).detail.path),
    );
    act(() => {
      element.dispatchEvent(elementEvent(ELEMENT_EVENTS.navigate, { path: '/p-9' }));
    });
    expect(location()).toBe('/payments/p-9');
    expect(routeChanges).toEqual([]);
    // The same element instance stays mounted across its own sub-routes.
    expect(mounted(payments)).toBe(element);
    await userEvent.click(screen.getByRole('link', { name: 'Payments' }));
    expect(location()).toBe('/payments');
    expect(routeChanges).toEqual(['']);
  });

  it('shows notifications and restarts the login when the element reports an expired session', async () => {
    const payments = entry('payments');
    const session = fakeSession('member');
    renderShell('/payments/p-1', { session, initialRegistry: registryOf(payments) });
    await waitFor(() => mounted(payments));
    act(() => {
      mounted(payments).dispatchEvent(
        elementEvent(ELEMENT_EVENTS.notify, { message: 'Payment created', kind: 'success' }),
      );
    });
    expect(
      within(screen.getByRole('status', { name: 'Notifications' })).getByText('Payment created'),
    ).toBeTruthy();
    act(() => {
      mounted(payments).dispatchEvent(elementEvent(ELEMENT_EVENTS.sessionExpired, {}));
    });
    expect(session.signInAgain).toHaveBeenCalledWith('/payments/p-1');
  });

  it('shows Retry in the failing route only; the shell and the other micro-frontend keep working', async () => {
    const payments = entry('payments');
    const accounts = entry('accounts');
    let fixed = false;
    const working = definingLoader();
    const loader: ElementLoader & { calls: number[] } = {
      calls: [],
      async load(e, options) {
        if (e.name === 'payments') {
          loader.calls.push(options.attempt);
          if (!fixed) throw new ElementLoadError('missing', 'Payments could not be downloaded');
        }
        return working.load(e, options);
      },
    };
    const fetchRegistry = vi.fn(async () => registryOf(accounts, payments));
    renderShell('/payments', { loader, fetchRegistry, initialRegistry: registryOf(accounts, payments) });
    const panel = await screen.findByRole('alert');
    expect(panel.textContent).toMatch(/Payments is unavailable/);
    expect(panel.textContent).toMatch(/could not be downloaded/);
    expect(screen.getByRole('banner')).toBeTruthy();
    await userEvent.click(screen.getByRole('link', { name: 'Accounts' }));
    await waitFor(() => mounted(accounts));
    expect(screen.queryByRole('alert')).toBeNull();
    await userEvent.click(screen.getByRole('link', { name: 'Payments' }));
    await screen.findByRole('button', { name: 'Retry' });
    fixed = true;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => mounted(payments));
    // Retry re-reads the registry (a publish may have fixed it) and loads afresh.
    expect(fetchRegistry).toHaveBeenCalled();
    expect(loader.calls.at(-1)).toBeGreaterThan(0);
  });

  it('shows Retry when the entry times out', async () => {
    const payments = entry('payments');
    const loader: ElementLoader = {
      load: (_e, { timeoutMs }) =>
        new Promise((_, reject) =>
          setTimeout(
            () => reject(new ElementLoadError('timeout', `Payments did not start within ${timeoutMs} ms`)),
            timeoutMs,
          ),
        ),
    };
    renderShell('/payments', { loader, elementTimeoutMs: 20, initialRegistry: registryOf(payments) });
    expect((await screen.findByRole('alert')).textContent).toMatch(/did not start within 20 ms/);
  });

  it('shows Retry when the element throws while rendering, leaving the drawer intact', async () => {
    const payments = entry('payments');
    const loader = definingLoader(
      (e) =>
        class extends HTMLElement {
          connectedCallback(): void {
            // What the browser reports for an exception thrown by a script of this micro-frontend.
            window.dispatchEvent(
              new ErrorEvent('error', {
                message: 'Uncaught TypeError: boom',
                filename: e.entry.replace('main-ABC', 'chunk-X'),
              }),
            );
          }
        },
    );
    renderShell('/payments', { loader, initialRegistry: registryOf(entry('accounts'), payments) });
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /stopped with an error: Uncaught TypeError: boom/,
    );
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
  });

  it('shows Retry when the element reports a render error (an Angular constructor that threw)', async () => {
    const payments = entry('payments');
    const loader = definingLoader(
      () =>
        class extends HTMLElement {
          connectedCallback(): void {
            // What the element kit does when creating its content throws inside a promise.
            queueMicrotask(() =>
              this.dispatchEvent(
                elementEvent(ELEMENT_EVENTS.renderError, { message: 'NG0200: boom in the constructor' }),
              ),
            );
          }
        },
    );
    renderShell('/payments', { loader, initialRegistry: registryOf(entry('accounts'), payments) });
    const panel = await screen.findByRole('alert');
    expect(panel.textContent).toMatch(/Payments is unavailable/);
    expect(panel.textContent).toMatch(/stopped with an error: NG0200: boom in the constructor/);
    expect(within(panel).getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Accounts' })).toBeTruthy();
  });

  it('offers Reload, not a dead Retry, when another version of the element is already defined', async () => {
    const broken = entry('payments', {
      entry: 'http://localhost:3000/mfe/payments/2.0.0/main-B.js',
      version: '2.0.0',
    });
    const rolledBack = {
      ...broken,
      entry: 'http://localhost:3000/mfe/payments/1.0.0/main-A.js',
      version: '1.0.0',
    };
    const throwing = definingLoader(
      () =>
        class extends HTMLElement {
          connectedCallback(): void {
            queueMicrotask(() =>
              this.dispatchEvent(elementEvent(ELEMENT_EVENTS.renderError, { message: 'broken build' })),
            );
          }
        },
    );
    // The browser loader remembers which entry defined a tag; this one does the same.
    const loader: ElementLoader = {
      load: (e, options) => throwing.load(e, options),
      definedBy: (tag) => (customElements.get(tag) === undefined ? undefined : broken.entry),
    };
    let registry = registryOf(broken);
    renderShell('/payments', { loader, initialRegistry: registry, fetchRegistry: async () => registry });
    await screen.findByRole('button', { name: 'Retry' });
    // The operator rolls back; the page still holds version 2 under the tag.
    registry = registryOf(rolledBack);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    const panel = await screen.findByRole('alert');
    await waitFor(() => expect(within(panel).getByRole('button', { name: 'Reload' })).toBeTruthy());
    expect(panel.textContent).toMatch(/new version of Payments was published/);
    expect(within(panel).queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('re-checks the registry on navigation: a new entry appears, a new version is announced with Reload', async () => {
    const payments = entry('payments');
    const accounts = entry('accounts');
    const loader = definingLoader();
    let registry = registryOf(accounts, payments);
    const fetchRegistry = vi.fn(async () => registry);
    const withDefinedBy: ElementLoader = {
      load: (e, options) => loader.load(e, options),
      definedBy: (tag) =>
        customElements.get(tag) === undefined
          ? undefined
          : tag === payments.element
            ? payments.entry
            : accounts.entry,
    };
    renderShell('/payments', { loader: withDefinedBy, fetchRegistry, initialRegistry: registry });
    await waitFor(() => mounted(payments));
    const reports = entry('reports');
    const paymentsV2 = { ...payments, entry: payments.entry.replace('1.0.0', '2.0.0'), version: '2.0.0' };
    registry = registryOf(accounts, paymentsV2, reports);
    await userEvent.click(screen.getByRole('link', { name: 'Accounts' }));
    await screen.findByRole('link', { name: 'Reports' });
    await userEvent.click(screen.getByRole('link', { name: 'Payments' }));
    const notice = await screen.findByText(/A new version of Payments is available/);
    expect(within(notice.parentElement as HTMLElement).getByRole('button', { name: 'Reload' })).toBeTruthy();
    // The version the page holds keeps working meanwhile.
    expect(mounted(paymentsV2)).toBeTruthy();
  });

  it('ignores errors from other scripts', async () => {
    const payments = entry('payments');
    renderShell('/payments', { initialRegistry: registryOf(payments) });
    await waitFor(() => mounted(payments));
    act(() => {
      window.dispatchEvent(
        new ErrorEvent('error', {
          message: 'elsewhere',
          filename: 'http://localhost:3000/mfe/accounts/1.0.0/main.js',
        }),
      );
    });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('links the entry stylesheets with integrity inside the shadow root, not in the document', async () => {
    const payments = entry('payments', {
      styles: [{ url: 'http://localhost:3000/mfe/payments/1.0.0/styles-X.css', integrity: 'sha384-BBBB' }],
    });
    renderShell('/payments', { initialRegistry: registryOf(payments) });
    await waitFor(() => mounted(payments));
    const root = document.querySelector('[data-micro-frontend="payments"]')?.shadowRoot;
    const link = root?.querySelector('link[rel="stylesheet"]') as HTMLLinkElement | null;
    expect(link?.href).toBe('http://localhost:3000/mfe/payments/1.0.0/styles-X.css');
    expect(link?.integrity).toBe('sha384-BBBB');
    expect(document.head.querySelector('link[href*="styles-X"]')).toBeNull();
  });

  it('passes no element to the operator, who has no tenant', () => {
    renderShell('/payments', { session: fakeSession('operator') });
    expect(screen.getByRole('heading', { name: 'Page not found' })).toBeTruthy();
  });
});

describe('subPathOf', () => {
  it('is empty at the root and keeps query and fragment', () => {
    expect(subPathOf('/payments', '/payments', '', '')).toBe('');
    expect(subPathOf('/payments', '/payments/', '', '')).toBe('');
    expect(subPathOf('/payments', '/payments/p-1/edit', '?x=1', '#top')).toBe('/p-1/edit?x=1#top');
  });
});
