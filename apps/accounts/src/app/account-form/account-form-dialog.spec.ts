import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { screen, within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import type { Account } from '../accounts-api/account';
import { ElementHost, FETCH } from '@atrium/element-kit';
import { InMemoryAccountsApi, account, testContext } from '../../testing/in-memory-accounts-api';
import { AccountFormDialog, type AccountFormData } from './account-form-dialog';
import { ibanIsValid } from '@atrium/account-number';

let api: InMemoryAccountsApi;
let closedWith: Account[];

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

async function render(data: AccountFormData = {}): Promise<HTMLElement> {
  closedWith = [];
  TestBed.configureTestingModule({
    providers: [
      { provide: FETCH, useValue: api.fetch },
      { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      { provide: MAT_DIALOG_DATA, useValue: data },
      { provide: MatDialogRef, useValue: { close: (value: Account) => closedWith.push(value) } },
    ],
  });
  TestBed.inject(ElementHost).context.set(testContext(['admin']));
  const fixture = TestBed.createComponent(AccountFormDialog);
  document.body.append(fixture.nativeElement as HTMLElement);
  await fixture.whenStable();
  return fixture.nativeElement as HTMLElement;
}

async function type(el: HTMLElement, label: string, value: string): Promise<void> {
  const input = within(el).getByRole('textbox', { name: label });
  await userEvent.clear(input);
  if (value) await userEvent.type(input, value);
}

describe('AccountFormDialog', () => {
  beforeEach(() => {
    api = new InMemoryAccountsApi();
  });

  it('checks IBAN check digits', () => {
    expect(ibanIsValid('DE89370400440532013000')).toBe(true);
    expect(ibanIsValid('DE88370400440532013000')).toBe(false);
    expect(ibanIsValid('GB82WEST12345698765432')).toBe(true);
  });

  it('shows the messages the server would give, and sends nothing', async () => {
    const el = await render();
    await type(el, 'Nickname', '');
    await type(el, 'Account number', 'DE88 3704 0044 0532 0130 00');
    await type(el, 'Currency', 'XYZ');
    await type(el, 'Opening balance', '10.123');
    await userEvent.click(within(el).getByRole('button', { name: 'Add' }));
    await settle();
    const text = el.textContent ?? '';
    expect(text).toContain('Nickname is required');
    expect(text).toContain('The IBAN check digits do not match');
    expect(text).toContain('Currency must be an ISO 4217 code like DKK or EUR');
    expect(api.last('POST')).toBeUndefined();

    await type(el, 'Currency', 'DKK');
    expect(el.textContent).toContain('DKK amounts have at most 2 decimals');
    await type(el, 'Account number', '12*4');
    expect(el.textContent).toContain(
      'Expected an IBAN or a 4-digit bank code and a 4–14 digit account number',
    );
    await type(el, 'Account number', 'DE89 3704 0044 0532 0130');
    expect(el.textContent).toContain('A DE IBAN has 22 characters');
    await type(el, 'Nickname', 'x'.repeat(61));
    expect(el.textContent).toContain('Nickname must be at most 60 characters');
  });

  it('adds an account with its IBAN normalised and its balance exact', async () => {
    const el = await render();
    await type(el, 'Nickname', 'Euro reserve');
    await type(el, 'Account number', 'de89 3704 0044 0532 0130 00');
    await type(el, 'Currency', 'EUR');
    await type(el, 'Opening balance', '1000000000000.01');
    await userEvent.click(within(el).getByRole('combobox', { name: 'Type' }));
    await userEvent.click(screen.getByRole('option', { name: 'International' }));
    await userEvent.click(within(el).getByRole('button', { name: 'Add' }));
    await settle();
    expect(api.last('POST')?.body).toEqual({
      nickname: 'Euro reserve',
      account_number: 'DE89370400440532013000',
      type: 'international',
      currency: 'EUR',
      balance: '1000000000000.01',
    });
    expect(closedWith).toHaveLength(1);
  });

  it('puts a field problem from the server under its field', async () => {
    const el = await render();
    await type(el, 'Nickname', 'Dup');
    await type(el, 'Account number', '12345678');
    api.failNext = {
      status: 409,
      body: {
        status: 409,
        code: 'account_number_taken',
        title: 'Conflict',
        errors: [{ pointer: '/account_number', message: 'Account number already exists' }],
      },
    };
    await userEvent.click(within(el).getByRole('button', { name: 'Add' }));
    await settle();
    expect(el.textContent).toContain('Account number already exists');
    expect(closedWith).toHaveLength(0);
  });

  it('renames only the nickname, and explains a stale version', async () => {
    api.accounts = [account({ id: 'a1', nickname: 'Old', version: 3 })];
    const el = await render({ account: account({ id: 'a1', nickname: 'Old', version: 2 }) });
    expect(within(el).queryByRole('textbox', { name: 'Account number' })).toBeNull();
    await type(el, 'Nickname', 'New');
    await userEvent.click(within(el).getByRole('button', { name: 'Rename' }));
    await settle();
    expect(api.last('PATCH')?.ifMatch).toBe('"2"');
    expect(within(el).getByRole('alert').textContent).toContain(
      'Someone else changed this account meanwhile',
    );
    expect(closedWith).toHaveLength(0);
  });
});
