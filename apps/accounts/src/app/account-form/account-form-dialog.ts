import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { Account, AccountType } from '../accounts-api/account';
import { AccountsClient, ApiProblem } from '../accounts-api/accounts-client';
import {
  RULES,
  accountNumberValidator,
  balanceValidator,
  currencyValidator,
  errorMessage,
} from './account-rules';
import { normalizeAccountNumber } from '@atrium/account-number';
import { ElementHost } from '@atrium/element-kit';
import { ACCOUNTS_LABELS, type AccountsLabel } from '../accounts-labels';

export interface AccountFormData {
  /** The account to rename; absent to add one. */
  readonly account?: Account;
}

const LABELS = {
  nickname: 'nickname',
  account_number: 'accountNumber',
  type: 'type',
  currency: 'currency',
  balance: 'openingBalance',
} as const satisfies Record<string, AccountsLabel>;

/** An admin adds an account, or renames one; closes with the saved account. */
@Component({
  selector: 'atrium-account-form-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatButtonModule,
  ],
  templateUrl: './account-form-dialog.html',
  styles: `
    .fields {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
      column-gap: var(--atrium-space-m);
      padding-top: var(--atrium-space-s);
    }
    .form-error {
      grid-column: 1 / -1;
      color: var(--mat-sys-error);
    }
  `,
})
export class AccountFormDialog {
  private readonly data = inject<AccountFormData>(MAT_DIALOG_DATA);
  private readonly dialogRef = inject<MatDialogRef<AccountFormDialog, Account>>(MatDialogRef);
  private readonly client = inject(AccountsClient);
  protected readonly t = inject(ElementHost).labels(ACCOUNTS_LABELS);

  protected readonly renaming = this.data.account !== undefined;
  protected readonly saving = signal(false);
  protected readonly formError = signal('');

  protected readonly form = inject(NonNullableFormBuilder).group({
    nickname: [
      this.data.account?.nickname ?? '',
      [Validators.required, Validators.maxLength(RULES.nicknameMaxLength)],
    ],
    account_number: ['', [Validators.required, accountNumberValidator]],
    type: ['domestic' as AccountType, Validators.required],
    currency: ['DKK', [Validators.required, currencyValidator]],
    balance: ['0.00', Validators.required],
  });

  constructor() {
    const { balance, currency } = this.form.controls;
    balance.addValidators(balanceValidator(() => currency.value.trim()));
    currency.valueChanges.subscribe(() => balance.updateValueAndValidity());
    if (this.renaming) {
      // Renaming touches the nickname only; the other fields are not shown.
      for (const name of ['account_number', 'type', 'currency', 'balance'] as const)
        this.form.controls[name].disable();
    }
  }

  protected error(name: keyof typeof LABELS): string {
    return errorMessage(this.t(LABELS[name]), this.form.controls[name].errors, this.t);
  }

  protected async save(): Promise<void> {
    this.form.markAllAsTouched();
    this.formError.set('');
    if (this.form.invalid || this.saving()) return;
    const value = this.form.getRawValue();
    this.saving.set(true);
    try {
      const account = this.data.account;
      const saved = account
        ? await this.client.rename(account, value.nickname.trim())
        : await this.client.create({
            nickname: value.nickname.trim(),
            account_number: normalizeAccountNumber(value.account_number),
            type: value.type,
            currency: value.currency.trim(),
            balance: value.balance.trim(),
          });
      this.dialogRef.close(saved);
    } catch (e) {
      this.showProblem(e);
    } finally {
      this.saving.set(false);
    }
  }

  private showProblem(e: unknown): void {
    if (!(e instanceof ApiProblem)) {
      this.formError.set(this.t('notSaved'));
      return;
    }
    let placed = false;
    for (const [field, message] of Object.entries(e.fields)) {
      const control = this.form.get(field);
      if (control?.enabled) {
        control.setErrors({ server: message });
        control.markAsTouched();
        placed = true;
      }
    }
    if (!placed) this.formError.set(e.message);
  }
}
