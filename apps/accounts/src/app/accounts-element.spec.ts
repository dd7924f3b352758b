import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import {
  cleanUpElements,
  giveElementsABox,
  mountElement,
  openDialog,
  settle,
  shadowOf,
  styleIsolationProblems,
  stylesOf,
  type ElementUnderTest,
} from '@atrium/element-kit/testing';
import { InMemoryAccountsApi, account, testContext } from '../testing/in-memory-accounts-api';
import { ACCOUNTS_ELEMENT } from './accounts-element';

describe('<atrium-accounts>', () => {
  let element: ElementUnderTest;

  beforeEach(async () => {
    const api = new InMemoryAccountsApi();
    api.accounts = [account({ id: 'a1', nickname: 'Operations' })];
    vi.stubGlobal('fetch', api.fetch);
    element = await mountElement(ACCOUNTS_ELEMENT, testContext(['admin']));
  });

  afterEach(() => {
    cleanUpElements();
    vi.unstubAllGlobals();
  });

  it('renders into its own shadow root with the theme, and adds no styles to the document', () => {
    expect(within(shadowOf(element)).getByRole('heading', { name: 'Accounts' })).toBeTruthy();
    expect(within(shadowOf(element)).getByRole('tree', { name: 'Accounts' })).toBeTruthy();
    expect(styleIsolationProblems(element, '.mat-tree')).toEqual([]);
  });

  it('waits for the shell before it shows its feature', async () => {
    const bare = await mountElement(ACCOUNTS_ELEMENT);
    expect(within(shadowOf(bare)).getByRole('status').textContent).toContain('Waiting for the shell');
    expect(within(shadowOf(bare)).queryByRole('tree')).toBeNull();
    bare.context = testContext(['admin']);
    await settle();
    expect(within(shadowOf(bare)).getByRole('tree', { name: 'Accounts' })).toBeTruthy();
    expect(within(shadowOf(bare)).queryByText(/Waiting for the shell/)).toBeNull();
  });

  it('follows the colour scheme the shell chose', async () => {
    element.context = { ...testContext(['admin']), colorScheme: 'dark' };
    await settle();
    expect(element.getAttribute('data-color-scheme')).toBe('dark');
  });

  it('opens dialogs inside its shadow root, never in the document body', async () => {
    const dialog = await openDialog(element, 'Add account');
    expect(dialog.getRootNode()).toBe(element.shadowRoot);
    expect(within(dialog).getByRole('heading', { name: 'Add account' })).toBeTruthy();
    expect(document.body.querySelector('.cdk-overlay-container')).toBeNull();
  });

  it('puts keys typed as a dialog opens into its first field', async () => {
    giveElementsABox();
    // Typed as soon as the dialog is there, well inside Material's 150 ms open animation.
    const dialog = await openDialog(element, 'Add account');
    await userEvent.keyboard('Savings');
    expect((within(dialog).getByRole('textbox', { name: 'Nickname' }) as HTMLInputElement).value).toBe(
      'Savings',
    );
  });

  it('shows error texts at full contrast at once: no fade-in on form-field messages', async () => {
    const dialog = await openDialog(element, 'Add account');
    const field = within(dialog).getByRole('textbox', { name: 'Nickname' }).closest('mat-form-field')!;
    // Material turns its form-field animations on 300 ms after the field renders.
    await vi.waitFor(() => expect(field.classList).toContain('mat-form-field-animations-enabled'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    const wrapper = (await within(dialog).findByText('Nickname is required')).parentElement!;
    // jsdom runs no animations and no cascade in shadow roots: find the element's own rule that
    // matches this very error text and switches the fade-in off.
    const stopsFade = [...stylesOf(element).shadow.matchAll(/([^{}]+)\{([^{}]*)\}/g)].some(
      ([, selectors, body]) =>
        /(^|;)\s*animation:\s*none\s*(;|$)/.test(body!.trim()) &&
        selectors!.split(',').some((selector) => wrapper.matches(selector.trim())),
    );
    expect(stopsFade).toBe(true);
  });
});
