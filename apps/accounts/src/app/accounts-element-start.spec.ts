// The element's start-up, as the shell drives it: the accounts are asked for before the tree is built.
import { within } from '@testing-library/dom';
import { cleanUpElements, mountElement, settle, shadowOf } from '@atrium/element-kit/testing';
import { InMemoryAccountsApi, account, testContext } from '../testing/in-memory-accounts-api';
import { ACCOUNTS_ELEMENT } from './accounts-element';

describe('<atrium-accounts> start-up', () => {
  afterEach(() => {
    cleanUpElements();
    vi.unstubAllGlobals();
  });

  it('builds the tree once, with the accounts, asked for before it exists, never showing loading', async () => {
    const api = new InMemoryAccountsApi();
    api.accounts = [account({ id: 'a1', nickname: 'Operations' })];
    const treeBuiltWhenAsked: boolean[] = [];
    // An API that takes a moment, as a real one does.
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      treeBuiltWhenAsked.push(
        document.querySelector('atrium-accounts')?.shadowRoot?.querySelector('atrium-accounts-tree') != null,
      );
      await new Promise((resolve) => setTimeout(resolve, 40));
      return api.fetch(input, init);
    });
    const element = await mountElement(ACCOUNTS_ELEMENT);
    const added: string[] = [];
    new MutationObserver((records) => {
      for (const record of records)
        for (const node of record.addedNodes)
          if (node instanceof Element)
            added.push(
              node.tagName.toLowerCase(),
              ...[...node.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()),
            );
    }).observe(shadowOf(element), { childList: true, subtree: true });

    element.context = testContext(['admin']);
    await settle();
    await settle();

    expect(within(shadowOf(element)).getByText('Operations')).toBeTruthy();
    expect(treeBuiltWhenAsked).toEqual([false]);
    expect(added).toContain('atrium-accounts-tree');
    expect(added).not.toContain('mat-progress-bar');
  });
});
