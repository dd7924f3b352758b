// The entry module the shell loads: it defines <atrium-payments>.
import { defineElement } from '@atrium/element-kit';
import { PAYMENTS_ELEMENT } from './app/payments-element';

await defineElement(PAYMENTS_ELEMENT);
