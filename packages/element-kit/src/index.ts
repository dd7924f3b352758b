// The kit's one entry point: what an Atrium element app uses to become a custom element.
export { defineElement } from './define-element';
export type { ElementDefinition } from './element-definition';
export { ElementHost } from './element-host';
export { ConfirmDialog, type ConfirmDialogData } from './confirm-dialog';
