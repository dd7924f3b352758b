// The element's start-up, as the shell drives it: the accounts are asked for before the tree is built.
import { within } from '@testing-library/dom';
import {
  cleanUpElements,
  mountElement,
  recordAddedElements,
  settle,
  shadowOf,
  slowFetch,
} from '@atrium/element-kit/testing';
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
    vi.stubGlobal(
      'fetch',
      slowFetch(api.fetch, 40, () =>
        treeBuiltWhenAsked.push(
          document.querySelector('atrium-accounts')?.shadowRoot?.querySelector('atrium-accounts-tree') !=
            null,
        ),
      ),
    );
    const element = await mountElement(ACCOUNTS_ELEMENT);
    const added = recordAddedElements(shadowOf(element));

    element.context = testContext(['admin']);
    await settle();
    await settle();

    expect(within(shadowOf(element)).getByText('Operations')).toBeTruthy();
    expect(treeBuiltWhenAsked).toEqual([false]);
    expect(added).toContain('atrium-accounts-tree');
    expect(added).not.toContain('mat-progress-bar');
  });
});
