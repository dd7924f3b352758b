import { Injectable, inject } from '@angular/core';
import { MatPaginatorIntl } from '@angular/material/paginator';
import type { LabelCatalogue } from '@atrium/contracts';
import { ElementHost } from './element-host';

/** The labels the kit itself writes (root, confirm dialog, Material's paginator), in every element. */
const en = {
  waitingForShell: 'Waiting for the shell…',
  cancel: 'Cancel',
  itemsPerPage: 'Items per page:',
  firstPage: 'First page',
  previousPage: 'Previous page',
  nextPage: 'Next page',
  lastPage: 'Last page',
  rangeEmpty: '0 of {length}',
  range: '{start} – {end} of {length}',
};

export type KitLabel = keyof typeof en;

export const KIT_LABELS: LabelCatalogue<KitLabel> = {
  en,
  da: {
    waitingForShell: 'Venter på skallen…',
    cancel: 'Annuller',
    itemsPerPage: 'Pr. side:',
    firstPage: 'Første side',
    previousPage: 'Forrige side',
    nextPage: 'Næste side',
    lastPage: 'Sidste side',
    rangeEmpty: '0 af {length}',
    range: '{start} – {end} af {length}',
  },
};

/** Material's paginator texts (buttons' names, range) in the element's locale. */
@Injectable()
export class LocalizedPaginatorIntl extends MatPaginatorIntl {
  constructor() {
    super();
    const label = inject(ElementHost).labels(KIT_LABELS);
    this.itemsPerPageLabel = label('itemsPerPage');
    this.firstPageLabel = label('firstPage');
    this.previousPageLabel = label('previousPage');
    this.nextPageLabel = label('nextPage');
    this.lastPageLabel = label('lastPage');
    this.getRangeLabel = (page, pageSize, length) => {
      if (length === 0 || pageSize === 0) return label('rangeEmpty', { length });
      const start = page * pageSize;
      const end = Math.min(start + pageSize, Math.max(length, start));
      return label('range', { start: start + 1, end, length });
    };
  }
}
