import { TestBed } from '@angular/core/testing';
import { ElementHost, FETCH } from '@atrium/element-kit';
import { InMemoryPaymentsApi, payment, testContext } from '../../testing/in-memory-payments-api';
import { FIRST_PAGE } from '../payments-table/payments-table';
import { PaymentsClient } from './payments-client';

describe('PaymentsClient prefetch', () => {
  let api: InMemoryPaymentsApi;
  let client: PaymentsClient;

  beforeEach(() => {
    api = new InMemoryPaymentsApi();
    api.payments = [payment({ id: 'p1' })];
    TestBed.configureTestingModule({ providers: [{ provide: FETCH, useValue: api.fetch }] });
    TestBed.inject(ElementHost).context.set(testContext(['member']));
    client = TestBed.inject(PaymentsClient);
  });

  const lists = (): number => api.sent.filter((op) => op.operation === 'ListPayments').length;

  it('hands the prefetched page to the first list of the same request, without asking again', async () => {
    client.prefetch(FIRST_PAGE);
    const page = await client.list({ ...FIRST_PAGE });
    expect(page.items.map((p) => p.id)).toEqual(['p1']);
    expect(lists()).toBe(1);
    // Taken: the next list asks the server.
    await client.list(FIRST_PAGE);
    expect(lists()).toBe(2);
  });

  it('gives the page synchronously once it has arrived, and only once', async () => {
    client.prefetch(FIRST_PAGE);
    expect(client.takeArrived(FIRST_PAGE)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(client.takeArrived({ ...FIRST_PAGE, limit: 20 })).toBeUndefined();
    expect(client.takeArrived(FIRST_PAGE)?.items.map((p) => p.id)).toEqual(['p1']);
    expect(client.takeArrived(FIRST_PAGE)).toBeUndefined();
    expect(lists()).toBe(1);
  });

  it('never hands a prefetched page to another request', async () => {
    client.prefetch(FIRST_PAGE);
    await client.list({ ...FIRST_PAGE, sortField: 'amount' });
    expect(lists()).toBe(2);
    expect(api.sent.at(-1)?.variables).toMatchObject({ sortField: 'AMOUNT' });
  });
});
