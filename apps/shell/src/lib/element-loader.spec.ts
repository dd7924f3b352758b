import { afterEach, describe, expect, it } from 'vitest';
import {
  ElementLoadError,
  entryFolder,
  entryForPath,
  preloadElementFor,
  scriptElementLoader,
} from './element-loader.ts';
import { entry } from '../test/fake-services.tsx';

afterEach(() => {
  document.head.querySelectorAll('script').forEach((s) => s.remove());
});

describe('scriptElementLoader', () => {
  it('adds a module script with the entry integrity and CORS', async () => {
    const e = entry('payments');
    const pending = scriptElementLoader.load(e, { timeoutMs: 60_000, attempt: 0 });
    const script = document.head.querySelector('script') as HTMLScriptElement;
    expect(script.type).toBe('module');
    expect(script.src).toBe(e.entry);
    expect(script.integrity).toBe(e.integrity);
    expect(script.crossOrigin).toBe('anonymous');
    customElements.define(e.element, class extends HTMLElement {});
    await pending;
  });

  it('fetches afresh on a retry (a failed module URL stays failed in the module map)', async () => {
    const e = entry('payments');
    const pending = scriptElementLoader.load(e, { timeoutMs: 60_000, attempt: 2 });
    expect((document.head.querySelector('script') as HTMLScriptElement).src).toBe(`${e.entry}?attempt=2`);
    customElements.define(e.element, class extends HTMLElement {});
    await pending;
  });

  it('times out when the element is never defined, and removes the script', async () => {
    const e = entry('payments');
    const error = await scriptElementLoader.load(e, { timeoutMs: 30, attempt: 0 }).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(ElementLoadError);
    expect((error as ElementLoadError).reason).toBe('timeout');
    expect(document.head.querySelector('script')).toBeNull();
  });

  it('fails fast when a script of the entry throws while starting', async () => {
    const e = entry('payments');
    const pending = scriptElementLoader.load(e, { timeoutMs: 60_000, attempt: 0 });
    window.dispatchEvent(new ErrorEvent('error', { message: 'boom', filename: e.entry }));
    const error = await pending.catch((x: unknown) => x);
    expect((error as ElementLoadError).reason).toBe('threw');
  });

  it('resolves at once for an element that is already defined', async () => {
    const e = entry('payments');
    customElements.define(e.element, class extends HTMLElement {});
    await scriptElementLoader.load(e, { timeoutMs: 10, attempt: 0 });
    expect(document.head.querySelector('script')).toBeNull();
  });
});

describe('preloading during sign-in', () => {
  it('a route joins the load its preload started: one script, one outcome', async () => {
    const e = entry('payments');
    preloadElementFor([entry('accounts'), e], '/payments/123', scriptElementLoader, 60_000);
    const pending = scriptElementLoader.load(e, { timeoutMs: 60_000, attempt: 0 });
    expect(document.head.querySelectorAll('script')).toHaveLength(1);
    expect((document.head.querySelector('script') as HTMLScriptElement).src).toBe(e.entry);
    customElements.define(e.element, class extends HTMLElement {});
    await pending;
  });

  it('a preload that fails hands its failure to the route, and Retry loads afresh', async () => {
    const e = entry('payments');
    preloadElementFor([e], '/payments', scriptElementLoader, 60_000);
    const pending = scriptElementLoader.load(e, { timeoutMs: 60_000, attempt: 0 });
    window.dispatchEvent(new ErrorEvent('error', { message: 'boom', filename: e.entry }));
    expect(((await pending.catch((x: unknown) => x)) as ElementLoadError).reason).toBe('threw');
    const retry = scriptElementLoader.load(e, { timeoutMs: 60_000, attempt: 1 });
    expect((document.head.querySelector('script') as HTMLScriptElement).src).toBe(`${e.entry}?attempt=1`);
    customElements.define(e.element, class extends HTMLElement {});
    await retry;
  });

  it('preloads nothing for a route no micro-frontend owns', () => {
    preloadElementFor([entry('payments')], '/paymentsX', scriptElementLoader, 60_000);
    preloadElementFor([entry('payments')], '/', scriptElementLoader, 60_000);
    expect(document.head.querySelector('script')).toBeNull();
  });

  it('entryForPath matches the base path and below it only', () => {
    const entries = [entry('accounts'), entry('payments')];
    expect(entryForPath(entries, '/payments')?.name).toBe('payments');
    expect(entryForPath(entries, '/payments/p-1')?.name).toBe('payments');
    expect(entryForPath(entries, '/accounts')?.name).toBe('accounts');
    expect(entryForPath(entries, '/payments-old')).toBeUndefined();
    expect(entryForPath(entries, '/admin')).toBeUndefined();
  });
});

describe('entryFolder', () => {
  it('is the folder of the entry, absolute', () => {
    expect(entryFolder('/mfe/payments/1.0.0%2Babc/main-X.js', 'http://localhost:8080/payments')).toBe(
      'http://localhost:8080/mfe/payments/1.0.0%2Babc/',
    );
  });
});
