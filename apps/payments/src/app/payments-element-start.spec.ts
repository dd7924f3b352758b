// The element's start-up, as the shell drives it: what it asks for first, and when.
import { within } from '@testing-library/dom';
import {
  cleanUpElements,
  mountElement,
  recordAddedElements,
  settle,
  slowFetch,
  shadowOf,
  type ElementUnderTest,
} from '@atrium/element-kit/testing';
import { InMemoryPaymentsApi, payment, testContext } from '../testing/in-memory-payments-api';
import { PAYMENTS_ELEMENT } from './payments-element';

class SilentWebSocket extends EventTarget {
  readonly readyState = 0;
  send(): void {}
  close(): void {}
}

describe('<atrium-payments> start-up', () => {
  afterEach(() => {
    cleanUpElements();
    vi.unstubAllGlobals();
  });

  it('has its first page on the wire before it builds the table, and asks for it once', async () => {
    const api = new InMemoryPaymentsApi();
    api.payments = [payment({ id: 'p1', to_account: 'DK777' })];
    const tableBuiltWhenAsked: boolean[] = [];
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(init?.body).includes('ListPayments'))
        tableBuiltWhenAsked.push(
          document.querySelector('atrium-payments')?.shadowRoot?.querySelector('atrium-payments-table') !=
            null,
        );
      return api.fetch(input, init);
    });
    vi.stubGlobal('WebSocket', SilentWebSocket);

    const element: ElementUnderTest = await mountElement(PAYMENTS_ELEMENT, testContext(['member']));

    expect(within(shadowOf(element)).getByText('DK777')).toBeTruthy();
    expect(api.sent.filter((op) => op.operation === 'ListPayments')[0]?.variables).toMatchObject({
      limit: 10,
      sortField: 'CREATED_AT',
      sortDirection: 'DESC',
    });
    expect(tableBuiltWhenAsked).toEqual([false]);
    // What bench/frontend and real-user monitoring read: the heading and the first rows, once each.
    const marks = performance.getEntriesByType('mark').map((m) => m.name);
    expect(marks.filter((m) => m.startsWith('atrium:')).sort()).toEqual([
      'atrium:atrium-payments:data',
      'atrium:atrium-payments:heading',
    ]);
  });
});

describe('<atrium-payments> first render', () => {
  afterEach(() => {
    cleanUpElements();
    vi.unstubAllGlobals();
  });

  it('builds the table once, with its first page, never showing its loading state', async () => {
    const api = new InMemoryPaymentsApi();
    api.payments = [payment({ id: 'p1', to_account: 'DK777' })];
    // An API that takes a moment, as a real one does: the table must wait for it, not flash.
    vi.stubGlobal('fetch', slowFetch(api.fetch, 40));
    vi.stubGlobal('WebSocket', SilentWebSocket);
    const element = await mountElement(PAYMENTS_ELEMENT);
    const added = recordAddedElements(shadowOf(element));

    element.context = testContext(['member']);
    await settle();
    await settle();

    expect(within(shadowOf(element)).getByText('DK777')).toBeTruthy();
    expect(added).toContain('atrium-payments-table');
    expect(added).not.toContain('mat-progress-bar');
  });
});
