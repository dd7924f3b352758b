import type { ElementDefinition } from '@atrium/element-kit';
import { labelsFor } from '@atrium/contracts';
import { PAYMENTS_LABELS } from './payments-labels';
import { PaymentsClient } from './payments-api/payments-client';
import { FIRST_PAGE, PaymentsTable } from './payments-table/payments-table';

/** <atrium-payments>: the element the registry names, with the payments feature as its content. */
export const PAYMENTS_ELEMENT: ElementDefinition = {
  tag: 'atrium-payments',
  title: (locale) => labelsFor(PAYMENTS_LABELS, locale)('title'),
  content: PaymentsTable,
  // The first page is on the wire while the table is built.
  prefetch: (injector) => injector.get(PaymentsClient).prefetch(FIRST_PAGE),
};
