import type { ElementDefinition } from '@atrium/element-kit';
import { labelsFor } from '@atrium/contracts';
import { ACCOUNTS_LABELS } from './accounts-labels';
import { AccountsClient } from './accounts-api/accounts-client';
import { AccountsTree } from './accounts-tree/accounts-tree';

/** <atrium-accounts>: the element the registry names, with the accounts feature as its content. */
export const ACCOUNTS_ELEMENT: ElementDefinition = {
  tag: 'atrium-accounts',
  title: (locale) => labelsFor(ACCOUNTS_LABELS, locale)('title'),
  content: AccountsTree,
  // The accounts are on the wire while the tree is built.
  prefetch: (injector) => injector.get(AccountsClient).prefetchAll(),
};
