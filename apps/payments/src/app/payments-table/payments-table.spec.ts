import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import type { Role } from '@atrium/contracts';
import { screen, within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import type { Client } from 'graphql-ws';
import { ElementHost, FETCH } from '@atrium/element-kit';
import { LIVE_CLIENT_FACTORY } from '../payments-api/payments-live';
import { listPayments } from '../payments-api/payments-api.generated';
import { InMemoryPaymentsApi, payment, testContext } from '../../testing/in-memory-payments-api';
import { PaymentsTable } from './payments-table';

/** The list filter the filter box sends: the text in an account or the message. */
const containing = (text: string) => ({
  or: [
    { from_account: { contains: text } },
    { to_account: { contains: text } },
    { message: { contains: text } },
  ],
});

let api: InMemoryPaymentsApi;
let fixture: ComponentFixture<PaymentsTable>;
let liveNext: ((value: unknown) => void)[];
let liveConnected: ((socket: unknown, payload: unknown, wasRetry: boolean) => void)[];
let notified: string[];

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await fixture.whenStable();
  }
}

async function render(roles: Role[], username = 'userTenantA'): Promise<HTMLElement> {
  liveNext = [];
  liveConnected = [];
  notified = [];
  const fakeLive = {
    subscribe: (_payload: unknown, sink: { next: (value: unknown) => void }) => {
      liveNext.push(sink.next);
      return () => undefined;
    },
    on: (event: string, listener: (socket: unknown, payload: unknown, wasRetry: boolean) => void) => {
      if (event === 'connected') liveConnected.push(listener);
      return () => undefined;
    },
    dispose: async () => undefined,
  } as unknown as Client;
  TestBed.configureTestingModule({
    providers: [
      { provide: FETCH, useValue: api.fetch },
      { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      { provide: LIVE_CLIENT_FACTORY, useValue: () => fakeLive },
    ],
  });
  const host = TestBed.inject(ElementHost);
  host.context.set(testContext(roles, username));
  const element = document.createElement('div');
  element.addEventListener('atrium:notify', (e) =>
    notified.push((e as CustomEvent<{ message: string }>).detail.message),
  );
  host.attach(element);
  fixture = TestBed.createComponent(PaymentsTable);
  await settle();
  return fixture.nativeElement as HTMLElement;
}

function bodyRows(table: HTMLElement): HTMLElement[] {
  return within(table).getAllByRole('row').slice(1);
}

describe('PaymentsTable', () => {
  beforeEach(() => {
    api = new InMemoryPaymentsApi();
    api.payments = [
      payment({
        id: 'p1',
        from_account: 'DK001',
        to_account: 'DK777',
        amount: '1234567.89',
        currency: 'DKK',
      }),
      payment({
        id: 'p2',
        from_account: 'DK002',
        to_account: 'SE123',
        amount: '5',
        currency: 'JPY',
        status: 'CONFIRMED',
      }),
      payment({ id: 'p3', from_account: 'DK003', to_account: 'NO555', createdBy: 'approverTenantA' }),
    ];
  });

  it('shows the columns and each payment with its amount formatted exactly in its currency', async () => {
    const el = await render(['member']);
    const table = within(el).getByRole('table', { name: 'Payments' });
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((h) => h.textContent?.trim());
    expect(headers).toEqual(['From account', 'To account', 'Amount', 'Due date', 'Status', 'Actions']);
    const rows = bodyRows(table);
    expect(rows).toHaveLength(3);
    expect(within(rows[0]!).getByText('DK777')).toBeTruthy();
    expect(rows[0]!.textContent).toContain(
      new Intl.NumberFormat(undefined, { style: 'currency', currency: 'DKK' }).format(
        '1234567.89' as Intl.StringNumericLiteral,
      ),
    );
    expect(rows[1]!.textContent).toContain('Confirmed');
    // Every request carried a fresh token.
    expect(api.sent[0]!.authorization).toMatch(/^Bearer token-\d+$/);
  });

  it('offers a member create, edit and delete on unconfirmed payments, and no confirm', async () => {
    const el = await render(['member']);
    expect(within(el).getByRole('button', { name: 'New payment' })).toBeTruthy();
    expect(within(el).getByRole('button', { name: 'Edit payment to DK777' })).toBeTruthy();
    expect(within(el).getByRole('button', { name: 'Delete payment to DK777' })).toBeTruthy();
    expect(within(el).queryByRole('button', { name: 'Edit payment to SE123' })).toBeNull();
    expect(within(el).queryByRole('button', { name: /^Confirm/ })).toBeNull();
  });

  it('offers an approver confirm only on payments someone else created', async () => {
    const el = await render(['approver'], 'approverTenantA');
    expect(within(el).getByRole('button', { name: 'Confirm payment to DK777' })).toBeTruthy();
    expect(within(el).queryByRole('button', { name: 'Confirm payment to NO555' })).toBeNull();
    expect(within(el).queryByRole('button', { name: 'Confirm payment to SE123' })).toBeNull();
    expect(within(el).queryByRole('button', { name: 'New payment' })).toBeNull();

    await userEvent.click(within(el).getByRole('button', { name: 'Confirm payment to DK777' }));
    await settle();
    expect(api.lastOf('ConfirmPayment')?.variables).toEqual({ id: 'p1', expectedVersion: 1 });
    expect(notified).toContain('Payment confirmed');
  });

  it('offers a viewer nothing but details', async () => {
    const el = await render(['viewer']);
    const buttons = within(el)
      .getAllByRole('button')
      .map((b) => b.textContent?.trim());
    expect(buttons.filter((b) => /New payment|Edit|Delete|Confirm/.test(b ?? ''))).toEqual([]);
    expect(within(el).getAllByRole('button', { name: /^Details of payment/ })).toHaveLength(3);
  });

  it('pages on the server with the cursor it returned, and page sizes 10/20/50/100', async () => {
    api.payments = Array.from({ length: 12 }, (_, i) => payment({ id: `p${i}`, to_account: `TO${i}` }));
    const el = await render(['viewer']);
    expect(bodyRows(within(el).getByRole('table'))).toHaveLength(10);
    expect(api.lastOf('ListPayments')?.variables).toMatchObject({ limit: 10, nextToken: null });

    await userEvent.click(within(el).getByRole('button', { name: 'Next page' }));
    await settle();
    expect(api.lastOf('ListPayments')?.variables).toMatchObject({ limit: 10, nextToken: 'c10' });
    expect(bodyRows(within(el).getByRole('table'))).toHaveLength(2);
    expect(within(el).getByRole('button', { name: 'Next page' }).getAttribute('aria-disabled')).toBe('true');

    await userEvent.click(within(el).getByRole('button', { name: 'Previous page' }));
    await settle();
    expect(api.lastOf('ListPayments')?.variables).toMatchObject({ nextToken: null });

    await userEvent.click(within(el).getByRole('combobox', { name: /items per page/i }));
    const options = screen.getAllByRole('option').map((o) => o.textContent?.trim());
    expect(options).toEqual(['10', '20', '50', '100']);
  });

  it('sorts on the server by amount and due date', async () => {
    const el = await render(['viewer']);
    expect(api.lastOf('ListPayments')?.variables).toMatchObject({
      sortField: 'CREATED_AT',
      sortDirection: 'DESC',
    });
    await userEvent.click(within(el).getByRole('button', { name: /Amount/ }));
    await settle();
    expect(api.lastOf('ListPayments')?.variables).toMatchObject({
      sortField: 'AMOUNT',
      sortDirection: 'ASC',
    });
    await userEvent.click(within(el).getByRole('button', { name: /Due date/ }));
    await settle();
    expect(api.lastOf('ListPayments')?.variables).toMatchObject({
      sortField: 'DUE_DATE',
      sortDirection: 'ASC',
    });
  });

  it('filters on the server from the filter box', async () => {
    const el = await render(['viewer']);
    await userEvent.type(within(el).getByRole('searchbox', { name: 'Filter payments' }), 'SE1');
    await new Promise((resolve) => setTimeout(resolve, 350));
    await settle();
    expect(api.lastOf('ListPayments')?.variables['filter']).toEqual(containing('SE1'));
  });

  it('escapes the filter text, so it cannot change the query', async () => {
    const el = await render(['viewer']);
    await userEvent.click(within(el).getByRole('searchbox', { name: 'Filter payments' }));
    await userEvent.paste('x" } }] } ) { __typename');
    await new Promise((resolve) => setTimeout(resolve, 350));
    await settle();
    // The generated document goes as it is; the text only as a variable's value.
    const sent = api.lastOf('ListPayments')!;
    expect((JSON.parse(sent.raw) as { query: string }).query).toBe(listPayments);
    expect(sent.variables['filter']).toEqual(containing('x" } }] } ) { __typename'));
  });

  it('says so when there are no payments', async () => {
    api.payments = [];
    const el = await render(['member']);
    expect(within(el).getByText('No payments yet.')).toBeTruthy();
  });

  it('shows an error with Retry, which recovers', async () => {
    api.failNext = { status: 500, body: { errors: [{ message: 'Internal server error' }] } };
    const el = await render(['member']);
    expect(within(el).getByRole('alert').textContent).toContain('Internal server error');
    await userEvent.click(within(el).getByRole('button', { name: 'Retry' }));
    await settle();
    expect(within(el).queryByRole('alert')).toBeNull();
    expect(bodyRows(within(el).getByRole('table'))).toHaveLength(3);
  });

  it('deletes after a confirmation, sending the version', async () => {
    const el = await render(['member']);
    await userEvent.click(within(el).getByRole('button', { name: 'Delete payment to DK777' }));
    await settle();
    const dialog = screen.getByRole('dialog', { name: 'Delete payment?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await settle();
    expect(api.lastOf('DeletePayment')?.variables).toEqual({ input: { id: 'p1', _version: 1 } });
    expect(notified).toContain('Payment deleted');
    expect(within(el).queryByText('DK777')).toBeNull();
  });

  it('does not delete when the confirmation is cancelled', async () => {
    const el = await render(['member']);
    await userEvent.click(within(el).getByRole('button', { name: 'Delete payment to DK777' }));
    await settle();
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    await settle();
    expect(api.lastOf('DeletePayment')).toBeUndefined();
  });

  it('reloads when another user of the tenant changes a payment', async () => {
    await render(['viewer']);
    const before = api.sent.filter((s) => s.operation === 'ListPayments').length;
    api.payments.push(payment({ id: 'p9', to_account: 'LIVE01' }));
    liveNext[0]!({ data: { onCreatePayment: { id: 'p9' } } });
    await settle();
    expect(api.sent.filter((s) => s.operation === 'ListPayments').length).toBe(before + 1);
    expect(within(fixture.nativeElement as HTMLElement).getByText('LIVE01')).toBeTruthy();
  });

  it('reloads after the live socket reconnects, since changes made meanwhile were never pushed', async () => {
    await render(['viewer']);
    const lists = () => api.sent.filter((s) => s.operation === 'ListPayments').length;
    const before = lists();
    liveConnected.forEach((connected) => connected({}, {}, false));
    await settle();
    expect(lists()).toBe(before);
    api.payments.push(payment({ id: 'p9', to_account: 'GAP001' }));
    liveConnected.forEach((connected) => connected({}, {}, true));
    await settle();
    expect(lists()).toBe(before + 1);
    expect(within(fixture.nativeElement as HTMLElement).getByText('GAP001')).toBeTruthy();
  });

  it('opens the details dialog with the audit trail from a deep link, and navigates back on close', async () => {
    await render(['viewer']);
    const host = TestBed.inject(ElementHost);
    host.path.set('/p1');
    await settle();
    const dialog = screen.getByRole('dialog', { name: 'Payment details' });
    expect(within(dialog).getByText('DK777')).toBeTruthy();
    expect(
      within(within(dialog).getByRole('list', { name: 'Audit trail' })).getByText(/CREATE by userTenantA/),
    ).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await settle();
    expect(host.path()).toBe('');
  });
});
