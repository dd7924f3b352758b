import type { ElementDefinition } from '@atrium/element-kit';
import { AccountsTree } from './accounts-tree/accounts-tree';

/** <atrium-accounts>: the element the registry names, with the accounts feature as its content. */
export const ACCOUNTS_ELEMENT: ElementDefinition = {
  tag: 'atrium-accounts',
  title: 'Accounts',
  content: AccountsTree,
};
