import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { screen, within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { PAYMENT_INPUT } from '@atrium/contracts';
import { ElementHost, FETCH } from '@atrium/element-kit';
import type { Payment } from '../payments-api/payment';
import { InMemoryPaymentsApi, payment, testContext } from '../../testing/in-memory-payments-api';
import { PaymentFormDialog, type PaymentFormData } from './payment-form-dialog';

let api: InMemoryPaymentsApi;
let closedWith: Payment[];

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

async function render(data: PaymentFormData = {}, fetch: typeof api.fetch = api.fetch): Promise<HTMLElement> {
  closedWith = [];
  TestBed.configureTestingModule({
    providers: [
      { provide: FETCH, useValue: fetch },
      { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      { provide: MAT_DIALOG_DATA, useValue: data },
      { provide: MatDialogRef, useValue: { close: (value: Payment) => closedWith.push(value) } },
    ],
  });
  TestBed.inject(ElementHost).context.set(testContext(['member']));
  const fixture = TestBed.createComponent(PaymentFormDialog);
  document.body.append(fixture.nativeElement as HTMLElement);
  await settle();
  await fixture.whenStable();
  return fixture.nativeElement as HTMLElement;
}

function field(el: HTMLElement, label: string): HTMLInputElement {
  return within(el).getByRole('textbox', { name: label }) as HTMLInputElement;
}

async function fill(el: HTMLElement, values: Record<string, string>): Promise<void> {
  for (const [label, value] of Object.entries(values)) {
    const input =
      label === 'Due date' ? (within(el).getByLabelText(/Due date/) as HTMLInputElement) : field(el, label);
    await userEvent.clear(input);
    if (label === 'Due date') {
      input.value = value;
      input.dispatchEvent(new Event('input'));
    } else if (value !== '') {
      await userEvent.type(input, value);
    }
  }
}

const GOOD = {
  'From account': 'DK001',
  'To account': 'DK002',
  Amount: '1250.50',
  Currency: 'DKK',
  'Due date': '2026-12-24',
  Message: 'Rent',
};

describe('PaymentFormDialog', () => {
  beforeEach(() => {
    api = new InMemoryPaymentsApi();
  });

  it('shows every required-field message and sends nothing', async () => {
    const el = await render();
    await fill(el, { Currency: '' });
    await userEvent.click(within(el).getByRole('button', { name: 'Create' }));
    await settle();
    const text = el.textContent ?? '';
    expect(text).toContain('From account is required');
    expect(text).toContain('To account is required');
    expect(text).toContain('Amount is required');
    expect(text).toContain('Currency is required');
    expect(text).toContain('Due date is required');
    expect(api.lastOf('CreatePayment')).toBeUndefined();
  });

  it('words the bounds as the server does', async () => {
    const el = await render();
    await fill(el, {
      ...GOOD,
      'From account': 'A'.repeat(35),
      Amount: '0',
      Message: 'x'.repeat(31),
    });
    await userEvent.click(within(el).getByRole('button', { name: 'Create' }));
    await settle();
    const text = el.textContent ?? '';
    expect(text).toContain('From account must be at most 34 characters');
    expect(text).toContain('Amount must be greater than 0');
    expect(text).toContain('Message must be at most 30 characters');
    expect(api.lastOf('CreatePayment')).toBeUndefined();

    await fill(el, { Amount: '10.123' });
    expect(el.textContent).toContain('DKK amounts have at most 2 decimals');
    await fill(el, { Currency: 'JPY', Amount: '10.5' });
    expect(el.textContent).toContain('JPY amounts have no decimals');
    await fill(el, { Currency: 'XYZ' });
    expect(el.textContent).toContain('Currency must be an ISO 4217 code like DKK or EUR');
    await fill(el, { Amount: '1e5' });
    expect(el.textContent).toContain('Amount must be a number like 1250.50');
  });

  it('creates the payment with an idempotency key, the amount exact, and closes with it', async () => {
    const el = await render();
    await fill(el, GOOD);
    await userEvent.click(within(el).getByRole('combobox', { name: 'Type' }));
    await userEvent.click(screen.getByRole('option', { name: 'International' }));
    await userEvent.click(within(el).getByRole('button', { name: 'Create' }));
    await settle();
    const sent = api.lastOf('CreatePayment')!;
    expect(sent.variables['idempotencyKey']).toMatch(/^[0-9a-f-]{36}$/);
    // The amount goes out as a JSON number with exactly the digits typed, never through a double.
    expect(sent.raw).toContain('"amount":1250.50,');
    expect(sent.variables['input']).toEqual({
      from_account: 'DK001',
      to_account: 'DK002',
      amount: 1250.5,
      currency: 'DKK',
      type: 'INTERNATIONAL',
      message: 'Rent',
      dueDate: '2026-12-24T00:00:00.000Z',
    });
    expect(closedWith).toHaveLength(1);
  });

  it('edits with the version it read', async () => {
    const el = await render({ payment: payment({ id: 'p7', _version: 4, amount: '99.95' }) });
    expect(field(el, 'Amount').value).toBe('99.95');
    await fill(el, { 'To account': 'SE999' });
    await userEvent.click(within(el).getByRole('button', { name: 'Save' }));
    await settle();
    expect(api.lastOf('UpdatePayment')?.variables['input']).toMatchObject({
      id: 'p7',
      _version: 4,
      to_account: 'SE999',
    });
  });

  it('puts a field error from the server under its field and stays open', async () => {
    const el = await render();
    await fill(el, GOOD);
    api.failNext = {
      status: 200,
      body: {
        data: { createPayment: null },
        errors: [
          {
            message: 'to_account is not an account',
            extensions: { code: 'BAD_USER_INPUT', field: 'to_account' },
          },
        ],
      },
    };
    await userEvent.click(within(el).getByRole('button', { name: 'Create' }));
    await settle();
    expect(el.textContent).toContain('to_account is not an account');
    expect(closedWith).toHaveLength(0);
  });

  it("offers the tenant's accounts as from-accounts when the Accounts API answers", async () => {
    api.accounts = [{ account_number: 'DK11', nickname: 'Operations', currency: 'DKK' }];
    const el = await render();
    await userEvent.click(within(el).getByRole('combobox', { name: 'From account' }));
    expect(screen.getByRole('option', { name: 'Operations (DK11)' })).toBeTruthy();
  });

  it("offers the tenant's real account numbers (IBANs, national numbers) and sends the one picked", async () => {
    api.accounts = [
      { account_number: 'DK5000400440116243', nickname: 'Operations', currency: 'DKK' },
      { account_number: '1234-0001234567', nickname: 'Payroll', currency: 'DKK' },
    ];
    const el = await render();
    await userEvent.click(within(el).getByRole('combobox', { name: 'From account' }));
    expect(screen.getByRole('option', { name: 'Payroll (1234-0001234567)' })).toBeTruthy();
    await userEvent.click(screen.getByRole('option', { name: 'Operations (DK5000400440116243)' }));
    const { 'From account': _, ...rest } = GOOD;
    await fill(el, { ...rest, 'To account': 'gb29 nwbk 6016 1331 9268 19' });
    await userEvent.click(within(el).getByRole('button', { name: 'Create' }));
    await settle();
    // Normalised as the server stores it.
    expect(api.lastOf('CreatePayment')?.variables['input']).toMatchObject({
      from_account: 'DK5000400440116243',
      to_account: 'GB29NWBK60161331926819',
    });
  });

  it("lists every page of the tenant's accounts, following next_cursor", async () => {
    const asked: string[] = [];
    const el = await render({}, async (input, init) => {
      const url = String(input);
      if (!url.includes('/api/accounts')) return api.fetch(input, init);
      asked.push(url);
      const second = url.includes('cursor=next%2Fpage');
      return Response.json({
        items: [
          second
            ? { account_number: 'NO9386011117947', nickname: 'Oslo', currency: 'NOK' }
            : { account_number: 'DK5000400440116243', nickname: 'Operations', currency: 'DKK' },
        ],
        next_cursor: second ? null : 'next/page',
      });
    });
    await userEvent.click(within(el).getByRole('combobox', { name: 'From account' }));
    expect(screen.getByRole('option', { name: 'Operations (DK5000400440116243)' })).toBeTruthy();
    expect(screen.getByRole('option', { name: 'Oslo (NO9386011117947)' })).toBeTruthy();
    expect(asked).toHaveLength(2);
  });

  it('takes free text when there is no Accounts API to pick from', async () => {
    api.accounts = undefined;
    const el = await render();
    expect(within(el).queryByRole('combobox', { name: 'From account' })).toBeNull();
    expect(field(el, 'From account')).toBeTruthy();
  });

  it('keeps a stored reference that names no account of the tenant as free text when editing', async () => {
    api.accounts = [{ account_number: 'DK5000400440116243', nickname: 'Operations', currency: 'DKK' }];
    const el = await render({ payment: payment({ id: 'p8', from_account: '12345678' }) });
    expect(within(el).queryByRole('combobox', { name: 'From account' })).toBeNull();
    expect(field(el, 'From account').value).toBe('12345678');
  });

  it('shows the server refusing a from-account under the picker', async () => {
    api.accounts = [{ account_number: 'DK5000400440116243', nickname: 'Operations', currency: 'DKK' }];
    const el = await render();
    await userEvent.click(within(el).getByRole('combobox', { name: 'From account' }));
    await userEvent.click(screen.getByRole('option', { name: 'Operations (DK5000400440116243)' }));
    const { 'From account': _, ...rest } = GOOD;
    await fill(el, rest);
    api.failNext = {
      status: 200,
      body: {
        data: { createPayment: null },
        errors: [
          {
            message: "From account must be one of Tenant A's accounts",
            extensions: { code: 'ACCOUNT_UNKNOWN', field: 'from_account' },
          },
        ],
      },
    };
    await userEvent.click(within(el).getByRole('button', { name: 'Create' }));
    await settle();
    expect(el.textContent).toContain("From account must be one of Tenant A's accounts");
    expect(closedWith).toHaveLength(0);
  });

  it('holds IBAN-shaped references to the IBAN rule and allowed characters, as the server words it', async () => {
    const el = await render();
    await fill(el, { ...GOOD, 'From account': 'DK5100400440116243', 'To account': 'ACC_0001' });
    await userEvent.click(within(el).getByRole('button', { name: 'Create' }));
    await settle();
    expect(el.textContent).toContain('From account is not a valid IBAN: the IBAN check digits do not match');
    expect(el.textContent).toContain('To account may contain only letters, digits and -');
    expect(api.lastOf('CreatePayment')).toBeUndefined();
    await fill(el, { 'From account': 'DK50 0040 0440 1162 43', 'To account': 'dk5000400440116243' });
    expect(el.textContent).not.toContain('not a valid IBAN');
    // One account written two ways is still the same account.
    expect(el.textContent).toContain('To account must differ from From account');
  });

  it('refuses the same account on both sides and a due date outside 2000–2199', async () => {
    const el = await render();
    await fill(el, { ...GOOD, 'To account': 'DK001', 'Due date': '1999-12-31' });
    await userEvent.click(within(el).getByRole('button', { name: 'Create' }));
    await settle();
    expect(el.textContent).toContain('To account must differ from From account');
    expect(el.textContent).toContain('Due date must be a valid date');
    expect(api.lastOf('CreatePayment')).toBeUndefined();
    await fill(el, { 'To account': 'DK002' });
    expect(el.textContent).not.toContain('To account must differ from From account');
  });

  // The payments API's own spec (services/payments-api, payment-input-bounds.spec.ts) refuses exactly
  // past these shared bounds: when either side drifts from them, one of the two specs fails.
  it('starts refusing a message and a due date exactly where the payments API does', async () => {
    const max = PAYMENT_INPUT.messageMaxLength;
    const [first, last] = PAYMENT_INPUT.dueDateYears;
    const el = await render();
    await fill(el, { ...GOOD, Message: 'x'.repeat(max + 1), 'Due date': `${first - 1}-12-31` });
    await userEvent.click(within(el).getByRole('button', { name: 'Create' }));
    await settle();
    expect(el.textContent).toContain(`Message must be at most ${max} characters`);
    expect(el.textContent).toContain('Due date must be a valid date');
    expect(api.lastOf('CreatePayment')).toBeUndefined();
    await fill(el, { 'Due date': `${last + 1}-01-01` });
    await settle();
    expect(el.textContent).toContain('Due date must be a valid date');

    await fill(el, { Message: 'x'.repeat(max), 'Due date': `${last}-12-31` });
    await settle();
    expect(el.textContent).not.toContain('Message must be at most');
    expect(el.textContent).not.toContain('Due date must be a valid date');
    expect(el.textContent).toContain(`${max} / ${max}`);
    await fill(el, { 'Due date': `${first}-01-01` });
    await settle();
    expect(el.textContent).not.toContain('Due date must be a valid date');
    await userEvent.click(within(el).getByRole('button', { name: 'Create' }));
    await settle();
    expect(api.lastOf('CreatePayment')?.variables['input']).toMatchObject({
      message: 'x'.repeat(max),
      dueDate: `${first}-01-01T00:00:00.000Z`,
    });
  });
});
