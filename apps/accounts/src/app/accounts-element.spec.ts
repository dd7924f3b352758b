import type { ElementContext } from '@atrium/contracts';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { InMemoryAccountsApi, account, testContext } from '../testing/in-memory-accounts-api';
import { TAG, defineElement } from './element/define-element';

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('<atrium-accounts>', () => {
  let api: InMemoryAccountsApi;
  let element: HTMLElement & { context?: ElementContext };

  beforeEach(async () => {
    api = new InMemoryAccountsApi();
    api.accounts = [account({ id: 'a1', nickname: 'Operations' })];
    vi.stubGlobal('fetch', api.fetch);
    await defineElement();
    element = document.createElement(TAG);
    document.body.append(element);
    element.context = testContext(['admin']);
    await settle();
  });

  afterEach(() => {
    element.remove();
    vi.unstubAllGlobals();
  });

  it('renders into its own shadow root with the theme, and adds no styles to the document', () => {
    const shadow = element.shadowRoot as unknown as HTMLElement;
    expect(within(shadow).getByRole('heading', { name: 'Accounts' })).toBeTruthy();
    expect(within(shadow).getByRole('tree', { name: 'Accounts' })).toBeTruthy();
    const shadowCss = [...element.shadowRoot!.querySelectorAll('style')].map((s) => s.textContent).join('\n');
    expect(shadowCss).toContain('--mat-sys-primary');
    expect(shadowCss).toContain('.mat-tree');
    const documentCss = [...document.querySelectorAll('style, link[rel=stylesheet]')]
      .map((s) => s.textContent)
      .join('\n');
    expect(documentCss).not.toContain('mat-');
  });

  it('follows the colour scheme the shell chose', async () => {
    element.context = { ...testContext(['admin']), colorScheme: 'dark' };
    await settle();
    expect(element.getAttribute('data-color-scheme')).toBe('dark');
  });

  it('opens dialogs inside its shadow root, never in the document body', async () => {
    const shadow = element.shadowRoot as unknown as HTMLElement;
    await userEvent.click(within(shadow).getByRole('button', { name: 'Add account' }));
    await settle();
    expect(within(shadow).getByRole('dialog', { name: 'Add account' })).toBeTruthy();
    expect(document.body.querySelector('.cdk-overlay-container')).toBeNull();
  });
});
