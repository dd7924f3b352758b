import type { Type } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { missingLabels } from '@atrium/contracts';
import { ElementHost, FETCH } from '@atrium/element-kit';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { InMemoryAccountsApi, account, testContext } from '../testing/in-memory-accounts-api';
import { AccountFormDialog } from './account-form/account-form-dialog';
import { ACCOUNTS_LABELS } from './accounts-labels';
import { AccountsTree } from './accounts-tree/accounts-tree';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Renders a component as the element does, for a browser whose preferred languages are `languages`. */
async function render(component: Type<unknown>, languages: string[]) {
  vi.spyOn(navigator, 'languages', 'get').mockReturnValue(languages);
  const api = new InMemoryAccountsApi();
  api.accounts = [
    account({ id: 'a1', nickname: 'Operations', account_number: 'DK5000400440116243', balance: '1234.50' }),
  ];
  TestBed.configureTestingModule({
    providers: [
      { provide: FETCH, useValue: api.fetch },
      { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      { provide: MAT_DIALOG_DATA, useValue: {} },
      { provide: MatDialogRef, useValue: { close: () => undefined } },
    ],
  });
  TestBed.inject(ElementHost).context.set(testContext(['admin']));
  const fixture = TestBed.createComponent(component);
  document.body.append(fixture.nativeElement as HTMLElement);
  for (let i = 0; i < 3; i++) {
    await settle();
    await fixture.whenStable();
  }
  return { root: fixture.nativeElement as HTMLElement, stable: () => fixture.whenStable() };
}

const plain = (text: string | null | undefined): string => (text ?? '').replace(/\s/g, ' ');

describe('labels', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    document.body.replaceChildren();
  });

  it('has every label of the element in English and Danish, with the same parameters', () => {
    expect(missingLabels(ACCOUNTS_LABELS)).toEqual([]);
  });

  it('shows a Danish browser the tree in Danish, with Danish amounts', async () => {
    const { root } = await render(AccountsTree, ['da-DK']);
    const view = within(root);
    expect(view.getByRole('button', { name: 'Tilføj konto' })).toBeTruthy();
    expect(view.getByRole('button', { name: 'Omdøb Operations' })).toBeTruthy();
    expect(view.getByRole('button', { name: 'Slet Operations' })).toBeTruthy();
    expect(view.getByText('Indenlandsk')).toBeTruthy();
    const totals = view.getByRole('region', { name: 'Totaler pr. valuta' });
    expect(plain(totals.textContent)).toContain('1.234,50 kr.');
    expect(view.queryByText('Domestic')).toBeNull();
  });

  it('writes its own validation messages in Danish for a Danish browser', async () => {
    const { root, stable } = await render(AccountFormDialog, ['da']);
    const view = within(root);
    expect(view.getByRole('heading', { name: 'Tilføj konto' })).toBeTruthy();
    const balance = view.getByRole('textbox', { name: 'Startsaldo' });
    await userEvent.clear(balance);
    await userEvent.type(balance, 'ti kroner');
    await userEvent.click(view.getByRole('button', { name: 'Tilføj' }));
    await stable();
    expect(view.getByText('Kaldenavn skal udfyldes')).toBeTruthy();
    expect(view.getByText('Saldoen skal være et tal som 1250.50')).toBeTruthy();
  });

  it('keeps English for an English browser', async () => {
    const { root } = await render(AccountsTree, ['en-US']);
    expect(within(root).getByRole('button', { name: 'Add account' })).toBeTruthy();
    expect(within(root).getByText('Domestic')).toBeTruthy();
  });
});
