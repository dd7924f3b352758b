import type { ElementContext } from '@atrium/contracts';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { InMemoryAccountsApi, account, testContext } from '../testing/in-memory-accounts-api';
import { defineElement } from '@atrium/element-kit';
import { settle } from '@atrium/element-kit/testing';
import { ACCOUNTS_ELEMENT } from './accounts-element';

const TAG = ACCOUNTS_ELEMENT.tag;

describe('<atrium-accounts>', () => {
  let api: InMemoryAccountsApi;
  let element: HTMLElement & { context?: ElementContext };

  beforeEach(async () => {
    api = new InMemoryAccountsApi();
    api.accounts = [account({ id: 'a1', nickname: 'Operations' })];
    vi.stubGlobal('fetch', api.fetch);
    await defineElement(ACCOUNTS_ELEMENT);
    element = document.createElement(TAG);
    document.body.append(element);
    element.context = testContext(['admin']);
    await settle();
  });

  afterEach(() => {
    element.remove();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
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

  it('puts keys typed as a dialog opens into its first field', async () => {
    // jsdom has no layout; give elements a box as a browser would, so CDK counts them as focusable.
    vi.spyOn(Element.prototype, 'getClientRects').mockReturnValue([new DOMRect(0, 0, 10, 10)] as never);
    const shadow = element.shadowRoot as unknown as HTMLElement;
    await userEvent.click(within(shadow).getByRole('button', { name: 'Add account' }));
    // Typed as soon as the dialog is there, well inside Material's 150 ms open animation.
    const dialog = await within(shadow).findByRole('dialog');
    await userEvent.keyboard('Savings');
    expect((within(dialog).getByRole('textbox', { name: 'Nickname' }) as HTMLInputElement).value).toBe(
      'Savings',
    );
  });

  it('shows error texts at full contrast at once: no fade-in on form-field messages', async () => {
    const shadow = element.shadowRoot as unknown as HTMLElement;
    await userEvent.click(within(shadow).getByRole('button', { name: 'Add account' }));
    const dialog = await within(shadow).findByRole('dialog');
    const field = within(dialog).getByRole('textbox', { name: 'Nickname' }).closest('mat-form-field')!;
    // Material turns its form-field animations on 300 ms after the field renders.
    await vi.waitFor(() => expect(field.classList).toContain('mat-form-field-animations-enabled'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    const wrapper = (await within(dialog).findByText('Nickname is required')).parentElement!;
    // jsdom runs no animations and no cascade in shadow roots: find the element's own rule that
    // matches this very error text and switches the fade-in off.
    const css = [...element.shadowRoot!.querySelectorAll('style')].map((s) => s.textContent).join('\n');
    const stopsFade = [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)].some(
      ([, selectors, body]) =>
        /(^|;)\s*animation:\s*none\s*(;|$)/.test(body!.trim()) &&
        selectors!.split(',').some((selector) => wrapper.matches(selector.trim())),
    );
    expect(stopsFade).toBe(true);
  });
});
