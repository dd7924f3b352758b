import type { Type } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { MatPaginatorIntl } from '@angular/material/paginator';
import { missingLabels } from '@atrium/contracts';
import { ElementHost, FETCH, KIT_LABELS, LocalizedPaginatorIntl } from '@atrium/element-kit';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import type { Client } from 'graphql-ws';
import { InMemoryPaymentsApi, payment, testContext } from '../testing/in-memory-payments-api';
import { PaymentFormDialog } from './payment-form/payment-form-dialog';
import { LIVE_CLIENT_FACTORY } from './payments-api/payments-live';
import { PAYMENTS_LABELS } from './payments-labels';
import { PaymentsTable } from './payments-table/payments-table';

const silentLive = {
  subscribe: () => () => undefined,
  on: () => () => undefined,
  dispose: async () => undefined,
} as unknown as Client;

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Renders a component as the element does, for a browser whose preferred languages are `languages`. */
async function render(component: Type<unknown>, languages: string[], userLocale?: string) {
  vi.spyOn(navigator, 'languages', 'get').mockReturnValue(languages);
  const api = new InMemoryPaymentsApi();
  api.payments = [payment({ id: 'p1', to_account: 'DK777', status: 'UNCONFIRMED', createdBy: 'someone' })];
  TestBed.configureTestingModule({
    providers: [
      { provide: FETCH, useValue: api.fetch },
      { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      { provide: LIVE_CLIENT_FACTORY, useValue: () => silentLive },
      { provide: MatPaginatorIntl, useClass: LocalizedPaginatorIntl },
      { provide: MAT_DIALOG_DATA, useValue: {} },
      { provide: MatDialogRef, useValue: { close: () => undefined } },
    ],
  });
  const context = testContext(['member', 'approver']);
  TestBed.inject(ElementHost).context.set({ ...context, user: { ...context.user, locale: userLocale } });
  const fixture = TestBed.createComponent(component);
  document.body.append(fixture.nativeElement as HTMLElement);
  for (let i = 0; i < 3; i++) {
    await settle();
    await fixture.whenStable();
  }
  return { root: fixture.nativeElement as HTMLElement, settle: () => fixture.whenStable() };
}

describe('labels', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    document.body.replaceChildren();
  });

  it('has every label of the element and the kit in English and Danish, with the same parameters', () => {
    expect(missingLabels(PAYMENTS_LABELS)).toEqual([]);
    expect(missingLabels(KIT_LABELS)).toEqual([]);
  });

  it('shows a Danish browser the table in Danish: headers, buttons, status, the paginator', async () => {
    const { root } = await render(PaymentsTable, ['da-DK', 'en']);
    const view = within(root);
    expect(view.getByRole('columnheader', { name: 'Fra konto' })).toBeTruthy();
    expect(view.getByRole('columnheader', { name: /Forfaldsdato/ })).toBeTruthy();
    expect(view.getByRole('button', { name: 'Ny betaling' })).toBeTruthy();
    expect(view.getByRole('button', { name: 'Detaljer om betaling til DK777' })).toBeTruthy();
    expect(view.getByRole('button', { name: 'Godkend betaling til DK777' })).toBeTruthy();
    expect(view.getByText('Ikke godkendt')).toBeTruthy();
    expect(view.getByRole('searchbox', { name: 'Filtrér betalinger' })).toBeTruthy();
    expect(view.getByRole('button', { name: 'Næste side' })).toBeTruthy();
    expect(view.getByText('Pr. side:')).toBeTruthy();
    expect(view.getByRole('status').textContent?.trim()).toBe('1 – 1 af 1');
    expect(view.queryByText('Unconfirmed')).toBeNull();
  });

  it('writes its own validation messages in Danish for a Danish browser', async () => {
    const { root, settle: stable } = await render(PaymentFormDialog, ['da']);
    const view = within(root);
    expect(view.getByRole('heading', { name: 'Ny betaling' })).toBeTruthy();
    await userEvent.type(view.getByRole('textbox', { name: 'Beløb' }), '12.345');
    await userEvent.click(view.getByRole('button', { name: 'Opret' }));
    await stable();
    expect(view.getByText('Beløb i DKK har højst 2 decimaler')).toBeTruthy();
    expect(view.getByText('Til konto skal udfyldes')).toBeTruthy();
  });

  it("prefers the user's own locale from the shell's context to the browser's languages", async () => {
    const { root } = await render(PaymentsTable, ['en-US'], 'da-DK');
    const view = within(root);
    expect(view.getByRole('button', { name: 'Ny betaling' })).toBeTruthy();
    expect(view.getByRole('columnheader', { name: 'Fra konto' })).toBeTruthy();
    expect(view.getByText(/kr\./)).toBeTruthy();
  });

  it('keeps English for an English (or any other) browser', async () => {
    const { root } = await render(PaymentsTable, ['fr-FR', 'en-US']);
    const view = within(root);
    expect(view.getByRole('columnheader', { name: 'From account' })).toBeTruthy();
    expect(view.getByRole('button', { name: 'Next page' })).toBeTruthy();
    expect(view.getByText('Unconfirmed')).toBeTruthy();
  });
});
