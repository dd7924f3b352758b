import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import {
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
  type AbstractControl,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { labelsFor, PAYMENT_INPUT } from '@atrium/contracts';
import { ElementHost } from '@atrium/element-kit';
import { AccountsLookup, type AccountChoice } from '../accounts-lookup/accounts-lookup';
import { parseDecimal } from '@atrium/money';
import { GraphqlRequestError } from '../payments-api/graphql-request';
import type { Payment, PaymentDraft, PaymentType } from '../payments-api/payment';
import { PaymentsClient } from '../payments-api/payments-client';
import { PAYMENTS_LABELS, type PaymentsLabel } from '../payments-labels';
import {
  accountReferenceValidator,
  amountValidator,
  currencyValidator,
  dateValidator,
  differentAccountsValidator,
  errorMessage,
  normalizedReference,
  sameAccount,
} from './payment-rules';

export interface PaymentFormData {
  /** The payment to edit; absent to create one. */
  readonly payment?: Payment;
}

const FIELD_LABELS = {
  from_account: 'fromAccount',
  to_account: 'toAccount',
  amount: 'amount',
  currency: 'currency',
  type: 'type',
  message: 'message',
  dueDate: 'dueDate',
} as const satisfies Record<string, PaymentsLabel>;

/** The shared reference check words its refusal as the server does, in English, with English names. */
const english = labelsFor(PAYMENTS_LABELS, 'en');

/** Create or edit a payment; closes with the saved payment. */
@Component({
  selector: 'atrium-payment-form-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatButtonModule,
  ],
  templateUrl: './payment-form-dialog.html',
  styleUrl: './payment-form-dialog.scss',
})
export class PaymentFormDialog {
  private readonly data = inject<PaymentFormData>(MAT_DIALOG_DATA);
  private readonly dialogRef = inject<MatDialogRef<PaymentFormDialog, Payment>>(MatDialogRef);
  private readonly client = inject(PaymentsClient);
  private readonly accountsLookup = inject(AccountsLookup);
  private readonly host = inject(ElementHost);
  protected readonly t = this.host.labels(PAYMENTS_LABELS);

  protected readonly editing = this.data.payment !== undefined;
  /** The server's bounds (@atrium/contracts): the message's length hint counts up to its maximum. */
  protected readonly rules = PAYMENT_INPUT;
  /**
   * The from-account field: the tenant's accounts to pick from (`choices`), free text when there is no
   * accounts API or it lists none (`free`), and a picker waiting for the list meanwhile (`loading`), so
   * the field the dialog focuses first stays the same element when the list arrives.
   */
  protected readonly fromAccountMode = signal<'loading' | 'choices' | 'free'>(
    this.host.context()?.api.accounts ? 'loading' : 'free',
  );
  protected readonly accounts = signal<readonly AccountChoice[]>([]);
  protected readonly saving = signal(false);
  protected readonly formError = signal('');
  /** Sent with every retry of the same submit, so a lost answer never creates the payment twice. */
  private readonly idempotencyKey = crypto.randomUUID();

  protected readonly form = inject(NonNullableFormBuilder).group({
    from_account: ['', [Validators.required, accountReferenceValidator(english('fromAccount'))]],
    to_account: ['', [Validators.required, accountReferenceValidator(english('toAccount'))]],
    amount: ['', Validators.required],
    currency: ['DKK', [Validators.required, currencyValidator]],
    type: ['DOMESTIC' as PaymentType, Validators.required],
    message: ['', Validators.maxLength(PAYMENT_INPUT.messageMaxLength)],
    dueDate: ['', [Validators.required, dateValidator]],
  });

  constructor() {
    this.form.addValidators(differentAccountsValidator);
    const { amount, currency } = this.form.controls;
    amount.addValidators(amountValidator(() => currency.value.trim()));
    const payment = this.data.payment;
    if (payment) {
      this.form.setValue({
        from_account: payment.from_account,
        to_account: payment.to_account,
        amount: String(payment.amount),
        currency: payment.currency,
        type: payment.type,
        message: payment.message ?? '',
        dueDate: payment.dueDate.slice(0, 10),
      });
    }
    // The amount's allowed decimals depend on the currency.
    this.form.controls.currency.valueChanges.subscribe(() =>
      this.form.controls.amount.updateValueAndValidity(),
    );
    if (this.fromAccountMode() === 'loading')
      void this.accountsLookup.list().then((accounts) => {
        const current = this.form.controls.from_account.value;
        // A payment stored before ADR 0005 may name no account of the tenant: it keeps its reference as
        // free text (the server accepts an unchanged one) rather than showing an empty picker.
        const offered = (accounts ?? []).filter((a) => a.accountNumber !== '');
        if (
          offered.length > 0 &&
          (current === '' || offered.some((a) => sameAccount(a.accountNumber, current)))
        ) {
          const match = offered.find((a) => sameAccount(a.accountNumber, current));
          if (match !== undefined) this.form.controls.from_account.setValue(match.accountNumber);
          this.accounts.set(offered);
          this.fromAccountMode.set('choices');
        } else this.fromAccountMode.set('free');
      });
  }

  protected error(name: keyof typeof this.form.controls): string {
    const control: AbstractControl = this.form.controls[name];
    return errorMessage(this.t(FIELD_LABELS[name]), control.errors, this.t);
  }

  protected async save(): Promise<void> {
    this.form.markAllAsTouched();
    this.formError.set('');
    if (this.form.invalid || this.saving()) return;
    const value = this.form.getRawValue();
    const draft: PaymentDraft = {
      from_account: normalizedReference(value.from_account),
      to_account: normalizedReference(value.to_account),
      amount: parseDecimal(value.amount) ?? value.amount,
      currency: value.currency.trim(),
      type: value.type,
      message: value.message.trim() === '' ? null : value.message.trim(),
      dueDate: `${value.dueDate}T00:00:00.000Z`,
    };
    this.saving.set(true);
    try {
      const payment = this.data.payment;
      const saved = payment
        ? await this.client.update(payment.id, payment._version, draft)
        : await this.client.create(draft, this.idempotencyKey);
      this.dialogRef.close(saved);
    } catch (e) {
      this.showServerErrors(e);
    } finally {
      this.saving.set(false);
    }
  }

  /** Puts each field error the server returned under its field; the rest above the buttons. */
  private showServerErrors(e: unknown): void {
    if (!(e instanceof GraphqlRequestError)) {
      this.formError.set(this.t('notSaved'));
      return;
    }
    if (e.isConflict) {
      this.formError.set(this.t('conflictInDialog'));
      return;
    }
    let placed = false;
    for (const error of e.errors) {
      const problems = error.extensions?.problems ?? [];
      const perField = problems.length
        ? problems
        : [{ field: error.extensions?.field ?? '', message: error.message }];
      for (const { field, message } of perField) {
        const control = field ? this.form.get(field) : null;
        if (control) {
          control.setErrors({ server: message });
          control.markAsTouched();
          placed = true;
        }
      }
    }
    if (!placed) this.formError.set(e.message);
  }
}
