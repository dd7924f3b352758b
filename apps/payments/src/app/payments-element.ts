import type { ElementDefinition } from '@atrium/element-kit';
import { PaymentsTable } from './payments-table/payments-table';

/** <atrium-payments>: the element the registry names, with the payments feature as its content. */
export const PAYMENTS_ELEMENT: ElementDefinition = {
  tag: 'atrium-payments',
  title: 'Payments',
  content: PaymentsTable,
};
