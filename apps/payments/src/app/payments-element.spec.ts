import type { ElementContext, NavigateDetail } from '@atrium/contracts';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { InMemoryPaymentsApi, payment, testContext } from '../testing/in-memory-payments-api';
import { defineElement } from '@atrium/element-kit';
import { settle } from '@atrium/element-kit/testing';
import { PAYMENTS_ELEMENT } from './payments-element';

const TAG = PAYMENTS_ELEMENT.tag;

/** A socket that never connects: live updates are covered by the table's tests. */
class SilentWebSocket extends EventTarget {
  static readonly OPEN = 1;
  readonly readyState = 0;
  readonly protocol = '';
  send(): void {}
  close(): void {}
}

describe('<atrium-payments>', () => {
  let api: InMemoryPaymentsApi;
  let element: HTMLElement & { context?: ElementContext };

  beforeEach(async () => {
    api = new InMemoryPaymentsApi();
    api.payments = [payment({ id: 'p1', to_account: 'DK777' })];
    vi.stubGlobal('fetch', api.fetch);
    vi.stubGlobal('WebSocket', SilentWebSocket);
    await defineElement(PAYMENTS_ELEMENT);
    element = document.createElement(TAG);
    document.body.append(element);
    element.context = { ...testContext(['member']), initialPath: '' };
    await settle();
  });

  afterEach(() => {
    element.remove();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('renders into its own shadow root with the theme, and adds no styles to the document', () => {
    const shadow = element.shadowRoot!;
    expect(shadow).toBeTruthy();
    expect(within(shadow as unknown as HTMLElement).getByRole('heading', { name: 'Payments' })).toBeTruthy();
    expect(within(shadow as unknown as HTMLElement).getByText('DK777')).toBeTruthy();
    const shadowCss = [...shadow.querySelectorAll('style')].map((s) => s.textContent).join('\n');
    expect(shadowCss).toContain('--mat-sys-primary');
    expect(shadowCss).toContain('.mat-mdc-table');
    const documentCss = [...document.querySelectorAll('style, link[rel=stylesheet]')]
      .map((s) => s.textContent)
      .join('\n');
    expect(documentCss).not.toContain('mat-');
    expect(documentCss).not.toContain('--mat-sys');
  });

  it('opens dialogs inside its shadow root, never in the document body', async () => {
    const shadow = element.shadowRoot as unknown as HTMLElement;
    await userEvent.click(within(shadow).getByRole('button', { name: 'New payment' }));
    await settle();
    expect(within(shadow).getByRole('dialog', { name: 'New payment' })).toBeTruthy();
    expect(document.body.querySelector('.cdk-overlay-container')).toBeNull();
    expect(element.shadowRoot!.querySelector('.cdk-overlay-container')).not.toBeNull();
  });

  it('tells the shell about its route and follows the shell back', async () => {
    const shadow = element.shadowRoot as unknown as HTMLElement;
    const navigations: NavigateDetail[] = [];
    element.addEventListener('atrium:navigate', (e) =>
      navigations.push((e as CustomEvent<NavigateDetail>).detail),
    );
    await userEvent.click(within(shadow).getByRole('button', { name: 'Details of payment to DK777' }));
    await settle();
    expect(navigations.at(-1)?.path).toBe('/p1');
    expect(within(shadow).getByRole('dialog', { name: 'Payment details' })).toBeTruthy();

    // Back button in the shell: the element closes the dialog.
    element.dispatchEvent(new CustomEvent('atrium:route-change', { detail: { path: '' } }));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the dialog's exit animation
    await settle();
    expect(within(shadow).queryByRole('dialog')).toBeNull();
  });

  it('puts keys typed as the payment dialog opens into its first field', async () => {
    // jsdom has no layout; give elements a box as a browser would, so CDK counts them as focusable.
    vi.spyOn(Element.prototype, 'getClientRects').mockReturnValue([new DOMRect(0, 0, 10, 10)] as never);
    const shadow = element.shadowRoot as unknown as HTMLElement;
    await userEvent.click(within(shadow).getByRole('button', { name: 'New payment' }));
    // Typed as soon as the dialog is there, well inside Material's 150 ms open animation.
    const dialog = await within(shadow).findByRole('dialog');
    await userEvent.keyboard('DK001');
    expect((within(dialog).getByRole('textbox', { name: 'From account' }) as HTMLInputElement).value).toBe(
      'DK001',
    );
  });
});
