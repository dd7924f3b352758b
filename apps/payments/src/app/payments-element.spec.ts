import type { NavigateDetail } from '@atrium/contracts';
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
  type ElementUnderTest,
} from '@atrium/element-kit/testing';
import { InMemoryPaymentsApi, payment, testContext } from '../testing/in-memory-payments-api';
import { PAYMENTS_ELEMENT } from './payments-element';

/** A socket that never connects: live updates are covered by the table's tests. */
class SilentWebSocket extends EventTarget {
  static readonly OPEN = 1;
  readonly readyState = 0;
  readonly protocol = '';
  send(): void {}
  close(): void {}
}

describe('<atrium-payments>', () => {
  let element: ElementUnderTest;

  beforeEach(async () => {
    const api = new InMemoryPaymentsApi();
    api.payments = [payment({ id: 'p1', to_account: 'DK777' })];
    vi.stubGlobal('fetch', api.fetch);
    vi.stubGlobal('WebSocket', SilentWebSocket);
    element = await mountElement(PAYMENTS_ELEMENT, testContext(['member']));
  });

  afterEach(() => {
    cleanUpElements();
    vi.unstubAllGlobals();
  });

  it('renders into its own shadow root with the theme, and adds no styles to the document', () => {
    expect(within(shadowOf(element)).getByRole('heading', { name: 'Payments' })).toBeTruthy();
    expect(within(shadowOf(element)).getByText('DK777')).toBeTruthy();
    expect(styleIsolationProblems(element, '.mat-mdc-table')).toEqual([]);
  });

  it('opens dialogs inside its shadow root, never in the document body', async () => {
    const dialog = await openDialog(element, 'New payment');
    expect(dialog.getRootNode()).toBe(element.shadowRoot);
    expect(within(dialog).getByRole('heading', { name: 'New payment' })).toBeTruthy();
    expect(document.body.querySelector('.cdk-overlay-container')).toBeNull();
    expect(element.shadowRoot!.querySelector('.cdk-overlay-container')).not.toBeNull();
  });

  it('tells the shell about its route and follows the shell back', async () => {
    const shadow = shadowOf(element);
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
    giveElementsABox();
    // Typed as soon as the dialog is there, well inside Material's 150 ms open animation.
    const dialog = await openDialog(element, 'New payment');
    await userEvent.keyboard('DK001');
    expect((within(dialog).getByRole('textbox', { name: 'From account' }) as HTMLInputElement).value).toBe(
      'DK001',
    );
  });
});
