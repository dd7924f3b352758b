// The kit's main entry point: what an Atrium element app uses to become a custom element.
// (`./testing` and `./dev-host` are separate entry points, never part of a production bundle.)
export { FETCH } from './api-fetch';
export { defineElement } from './define-element';
export type { ElementDefinition } from './element-definition';
export { ElementHost } from './element-host';
export { FocusReturn, type FocusTarget } from './focus-return';
export { markFirstRender } from './first-render-mark';
export { PrefetchedAnswer } from './prefetched-answer';
export { ConfirmDialog, type ConfirmDialogData } from './confirm-dialog';
export { KIT_LABELS, LocalizedPaginatorIntl } from './kit-labels';
