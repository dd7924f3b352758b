import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { ElementHost } from './element-host';
import { KIT_LABELS } from './kit-labels';

export interface ConfirmDialogData {
  readonly title: string;
  readonly message: string;
  readonly action: string;
}

/** Asks before a destructive action; closes with true when the user agrees. */
@Component({
  selector: 'atrium-confirm-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatDialogModule, MatButtonModule],
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <mat-dialog-content>{{ data.message }}</mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" [mat-dialog-close]="false" cdkFocusInitial>
        {{ label('cancel') }}
      </button>
      <button mat-flat-button type="button" [mat-dialog-close]="true">{{ data.action }}</button>
    </mat-dialog-actions>
  `,
})
export class ConfirmDialog {
  protected readonly data = inject<ConfirmDialogData>(MAT_DIALOG_DATA);
  protected readonly label = inject(ElementHost).labels(KIT_LABELS);
}
