// The entry module the shell loads: it defines <atrium-accounts>.
import { defineElement } from '@atrium/element-kit';
import { ACCOUNTS_ELEMENT } from './app/accounts-element';

await defineElement(ACCOUNTS_ELEMENT);
