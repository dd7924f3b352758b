import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ElementHost } from '@atrium/element-kit';
import { formatMoney } from '@atrium/money';
import type { AuditRecord, Payment } from '../payments-api/payment';
import { PaymentsClient } from '../payments-api/payments-client';
import { PAYMENTS_LABELS } from '../payments-labels';
import { formatDueDate, formatTimestamp } from '../payment-dates';

/** A payment with its audit trail; opened from the table or a deep link (/payments/<id>). */
@Component({
  selector: 'atrium-payment-details-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatDialogModule, MatButtonModule, MatProgressBarModule],
  templateUrl: './payment-details-dialog.html',
  styleUrl: './payment-details-dialog.scss',
})
export class PaymentDetailsDialog {
  private readonly data = inject<{ id: string }>(MAT_DIALOG_DATA);
  private readonly client = inject(PaymentsClient);
  private readonly host = inject(ElementHost);
  private readonly locale = this.host.locale;
  protected readonly t = this.host.labels(PAYMENTS_LABELS);

  protected readonly payment = signal<Payment | undefined>(undefined);
  protected readonly audit = signal<readonly AuditRecord[]>([]);
  protected readonly state = signal<'loading' | 'ready' | 'missing' | 'error'>('loading');

  constructor() {
    void this.load();
  }

  protected amountOf(payment: Payment): string {
    return formatMoney(payment.amount, payment.currency, this.locale);
  }

  protected when(iso: string): string {
    return formatTimestamp(iso, this.locale);
  }

  protected day(iso: string): string {
    return formatDueDate(iso, this.locale);
  }

  private async load(): Promise<void> {
    try {
      const [payment, audit] = await Promise.all([
        this.client.get(this.data.id),
        this.client.audit(this.data.id),
      ]);
      if (!payment) {
        this.state.set('missing');
        return;
      }
      this.payment.set(payment);
      this.audit.set(audit);
      this.state.set('ready');
    } catch {
      this.state.set('error');
    }
  }
}
