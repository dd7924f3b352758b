import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import type { Role } from '@atrium/contracts';
import { screen, within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { ElementHost, FETCH } from '@atrium/element-kit';
import { InMemoryAccountsApi, account, testContext } from '../../testing/in-memory-accounts-api';
import { AccountsTree } from './accounts-tree';

let api: InMemoryAccountsApi;
let fixture: ComponentFixture<AccountsTree>;
let notified: string[];

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await fixture.whenStable();
  }
}

async function render(roles: Role[]): Promise<HTMLElement> {
  notified = [];
  TestBed.configureTestingModule({
    providers: [
      { provide: FETCH, useValue: api.fetch },
      { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
    ],
  });
  const host = TestBed.inject(ElementHost);
  host.context.set(testContext(roles));
  const element = document.createElement('div');
  element.addEventListener('atrium:notify', (e) =>
    notified.push((e as CustomEvent<{ message: string }>).detail.message),
  );
  host.attach(element);
  fixture = TestBed.createComponent(AccountsTree);
  document.body.append(fixture.nativeElement as HTMLElement);
  await settle();
  return fixture.nativeElement as HTMLElement;
}

const fmt = (amount: string, currency: string): string =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(
    amount as Intl.StringNumericLiteral,
  );

describe('AccountsTree', () => {
  beforeEach(() => {
    api = new InMemoryAccountsApi();
    api.accounts = [
      account({
        id: 'a1',
        nickname: 'Operations',
        account_number: 'DK5000400440116243',
        balance: '0.10',
        currency: 'DKK',
      }),
      account({
        id: 'a2',
        nickname: 'Payroll',
        account_number: '12345678',
        balance: '0.20',
        currency: 'DKK',
      }),
      account({
        id: 'a3',
        nickname: 'Euro reserve',
        type: 'international',
        account_number: 'DE89370400440532013000',
        balance: '1000000000000.01',
        currency: 'EUR',
      }),
      account({
        id: 'a4',
        nickname: 'Dollar',
        type: 'international',
        account_number: 'GB82WEST12345698765432',
        balance: '-5.50',
        currency: 'USD',
      }),
    ];
  });

  it('shows Domestic and International at the root with the accounts as leaves', async () => {
    const el = await render(['viewer']);
    const tree = within(el).getByRole('tree', { name: 'Accounts' });
    const items = within(tree).getAllByRole('treeitem');
    const groups = items.filter((i) => i.getAttribute('aria-level') === '1');
    expect(groups.map((g) => g.textContent)).toEqual([
      expect.stringContaining('Domestic'),
      expect.stringContaining('International'),
    ]);
    const leaves = items.filter((i) => i.getAttribute('aria-level') === '2');
    expect(leaves).toHaveLength(4);
    const ops = leaves.find((l) => l.textContent?.includes('Operations'))!;
    expect(ops.textContent).toContain('DK5000400440116243');
    expect(ops.textContent).toContain(fmt('0.10', 'DKK'));
  });

  it('totals each group per currency exactly', async () => {
    const el = await render(['viewer']);
    const [domestic, international] = within(el)
      .getAllByRole('treeitem')
      .filter((i) => i.getAttribute('aria-level') === '1');
    // 0.10 + 0.20 is 0.30 exactly, not 0.30000000000000004.
    expect(domestic!.textContent).toContain(`Total ${fmt('0.30', 'DKK')}`);
    expect(international!.textContent).toContain(`Total ${fmt('1000000000000.01', 'EUR')}`);
    expect(international!.textContent).toContain(`Total ${fmt('-5.50', 'USD')}`);
    const overall = within(el).getByRole('region', { name: 'Totals by currency' });
    // Each total once, as the amount in its currency ("DKK 0.30"), not "DKK: DKK 0.30".
    const totals = within(overall)
      .getAllByRole('listitem')
      .map((item) => item.textContent?.trim());
    expect(totals.sort()).toEqual(
      [fmt('0.30', 'DKK'), fmt('1000000000000.01', 'EUR'), fmt('-5.50', 'USD')].sort(),
    );
  });

  it('collapses and expands a group from the keyboard', async () => {
    const el = await render(['viewer']);
    const domestic = within(el).getAllByRole('treeitem')[0]!;
    expect(domestic.getAttribute('aria-expanded')).toBe('true');
    domestic.focus();
    await userEvent.keyboard('{ArrowLeft}');
    await settle();
    expect(domestic.getAttribute('aria-expanded')).toBe('false');
    expect(within(el).queryByText('Operations')).toBeNull();
    await userEvent.keyboard('{ArrowRight}');
    await settle();
    expect(domestic.getAttribute('aria-expanded')).toBe('true');
    expect(within(el).getByText('Operations')).toBeTruthy();
    await userEvent.keyboard('{ArrowDown}');
    expect(document.activeElement?.textContent).toContain('Operations');
  });

  it('follows the cursor to read every page', async () => {
    api.pageSize = 3;
    const el = await render(['viewer']);
    expect(api.sent.map((s) => s.path)).toEqual(['?limit=100', '?limit=100&cursor=3']);
    expect(within(el).getAllByRole('treeitem')).toHaveLength(6);
    expect(api.sent[0]!.authorization).not.toBe(api.sent[1]!.authorization);
  });

  it('says so when there are no accounts', async () => {
    api.accounts = [];
    const el = await render(['viewer']);
    expect(within(el).getByRole('status').textContent).toContain('No accounts yet.');
    expect(within(el).queryByRole('tree')).toBeNull();
  });

  it('shows the problem with Retry, which recovers', async () => {
    api.failNext = {
      status: 503,
      body: { status: 503, code: 'database_unavailable', title: 'Database unavailable' },
    };
    const el = await render(['viewer']);
    expect(within(el).getByRole('alert').textContent).toContain('Database unavailable');
    await userEvent.click(within(el).getByRole('button', { name: 'Retry' }));
    await settle();
    expect(within(el).queryByRole('alert')).toBeNull();
    expect(within(el).getByRole('tree', { name: 'Accounts' })).toBeTruthy();
  });

  it('offers no add, rename or delete to non-admins', async () => {
    const el = await render(['member', 'approver']);
    expect(within(el).queryByRole('button', { name: 'Add account' })).toBeNull();
    expect(within(el).queryByRole('button', { name: /^Rename/ })).toBeNull();
    expect(within(el).queryByRole('button', { name: /^Delete/ })).toBeNull();
  });

  it('lets an admin rename with If-Match and delete after a confirmation', async () => {
    const el = await render(['admin']);
    await userEvent.click(within(el).getByRole('button', { name: 'Rename Payroll' }));
    await settle();
    const dialog = screen.getByRole('dialog', { name: 'Rename account' });
    const nickname = within(dialog).getByRole('textbox', { name: 'Nickname' });
    await userEvent.clear(nickname);
    await userEvent.type(nickname, 'Salaries');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rename' }));
    await settle();
    expect(api.last('PATCH')).toMatchObject({ path: '/a2', body: { nickname: 'Salaries' }, ifMatch: '"1"' });
    expect(within(el).getByText('Salaries')).toBeTruthy();
    // The reload kept the groups as the user had them.
    expect(within(el).getAllByRole('treeitem')[0]!.getAttribute('aria-expanded')).toBe('true');

    await userEvent.click(within(el).getByRole('button', { name: 'Delete Operations' }));
    await settle();
    await userEvent.click(
      within(screen.getByRole('dialog', { name: 'Delete account?' })).getByRole('button', { name: 'Delete' }),
    );
    await settle();
    expect(api.last('DELETE')).toMatchObject({ path: '/a1', ifMatch: '"1"' });
    expect(within(el).queryByText('Operations')).toBeNull();
    expect(notified).toContain('Account Operations deleted');
  });
});
