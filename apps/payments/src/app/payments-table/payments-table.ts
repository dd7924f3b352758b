import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  Injector,
  computed,
  effect,
  inject,
  linkedSignal,
  resource,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import {
  ConfirmDialog,
  type ConfirmDialogData,
  ElementHost,
  FocusReturn,
  markFirstRender,
} from '@atrium/element-kit';
import { formatMoney } from '@atrium/money';
import { PaymentDetailsDialog } from '../payment-details/payment-details-dialog';
import { PaymentFormDialog, type PaymentFormData } from '../payment-form/payment-form-dialog';
import { GraphqlRequestError } from '../payments-api/graphql-request';
import type {
  ListRequest,
  Payment,
  PaymentPage,
  PaymentSortField,
  SortDirection,
} from '../payments-api/payment';
import { PaymentsClient } from '../payments-api/payments-client';
import { PaymentsLive } from '../payments-api/payments-live';
import { formatDueDate } from '../payment-dates';
import { PAYMENTS_LABELS } from '../payments-labels';

type LoadState = 'loading' | 'ready' | 'error';

/** The tenant's payments: a server-side paged, sorted and filtered table with its actions. */
/** What the table shows first: the newest ten, unfiltered (the element prefetches exactly this). */
export const FIRST_PAGE: ListRequest = {
  limit: 10,
  nextToken: null,
  filter: '',
  sortField: 'createdAt',
  sortDirection: 'DESC',
};

@Component({
  selector: 'atrium-payments-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    MatTableModule,
    MatSortModule,
    MatPaginatorModule,
    MatFormFieldModule,
    MatInputModule,
    MatButtonModule,
    MatProgressBarModule,
  ],
  templateUrl: './payments-table.html',
  styleUrl: './payments-table.scss',
})
export class PaymentsTable {
  private readonly client = inject(PaymentsClient);
  private readonly live = inject(PaymentsLive);
  private readonly dialog = inject(MatDialog);
  private readonly host = inject(ElementHost);
  private readonly focus = inject(FocusReturn);
  private readonly injector = inject(Injector);
  protected readonly t = this.host.labels(PAYMENTS_LABELS);

  protected readonly columns = ['from_account', 'to_account', 'amount', 'dueDate', 'status', 'actions'];
  protected readonly pageSizes = [10, 20, 50, 100];

  protected readonly pageIndex = signal(0);
  protected readonly pageSize = signal(FIRST_PAGE.limit);
  protected readonly sortField = signal<PaymentSortField>(FIRST_PAGE.sortField);
  protected readonly sortDirection = signal<SortDirection>(FIRST_PAGE.sortDirection);
  protected readonly filter = signal(FIRST_PAGE.filter);
  /** nextToken that fetches page i (page 0 starts without one); cursor paging has no total count. */
  private pageTokens: (string | null)[] = [null];

  /**
   * The page for the current paging, sort and filter: Angular's resource drops an answer that
   * arrives after the request changed, and `reload()` asks again with the same cursor.
   */
  private readonly request = computed<ListRequest>(() => ({
    limit: this.pageSize(),
    nextToken: this.pageTokens[this.pageIndex()] ?? null,
    filter: this.filter(),
    sortField: this.sortField(),
    sortDirection: this.sortDirection(),
  }));
  private readonly page = resource({
    params: () => this.request(),
    loader: ({ params }) => this.client.list(params),
  });
  /** The last page that arrived: rows stay while the next one loads (a button keeps its focus). */
  private readonly shown = linkedSignal<PaymentPage | undefined, PaymentPage | undefined>({
    source: () => (this.page.hasValue() ? this.page.value() : undefined),
    computation: (page, previous) => page ?? previous?.value,
  });
  protected readonly payments = computed<readonly Payment[]>(() => this.shown()?.items ?? []);
  private readonly hasNext = computed(() => (this.shown()?.nextToken ?? null) !== null);
  protected readonly state = computed<LoadState>(() =>
    this.page.status() === 'error' ? 'error' : this.page.isLoading() ? 'loading' : 'ready',
  );
  protected readonly error = computed(() => (this.page.error() ? this.explain(this.page.error()) : ''));
  /** The paginator needs a length: enough to enable "next" exactly when the server has more. */
  protected readonly length = computed(
    () => this.pageIndex() * this.pageSize() + this.payments().length + (this.hasNext() ? 1 : 0),
  );

  protected readonly canCreate = computed(() => this.host.hasAnyRole('member'));
  private readonly canApprove = computed(() => this.host.hasAnyRole('approver'));
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private openDetailsId: string | undefined;

  constructor() {
    // The element prefetched the first page: shown at once, never through a loading state.
    const arrived = this.client.takeArrived(untracked(this.request));
    if (arrived !== undefined) this.page.set(arrived);
    effect(() => {
      const page = this.page.hasValue() ? this.page.value() : undefined;
      if (page !== undefined) untracked(() => this.arrived(page));
    });
    // A deep link (/payments/<id>), or back/forward to one, opens the details dialog.
    effect(() => {
      const id = this.host.path().replace(/^\//, '');
      untracked(() => this.syncDetails(id));
    });
    const stop = this.live.watch(() => this.refresh());
    inject(DestroyRef).onDestroy(() => {
      stop();
      clearTimeout(this.filterTimer);
    });
  }

  /** Rows are kept across reloads (a button keeps its focus) as long as their payment is there. */
  protected readonly byId = (_: number, payment: Payment): string => payment.id;

  protected amountOf(payment: Payment): string {
    return formatMoney(payment.amount, payment.currency, this.host.locale);
  }

  protected dueDateOf(payment: Payment): string {
    return formatDueDate(payment.dueDate, this.host.locale);
  }

  protected statusOf(payment: Payment): string {
    return this.t(payment.status === 'CONFIRMED' ? 'confirmed' : 'unconfirmed');
  }

  protected canEdit(payment: Payment): boolean {
    return this.canCreate() && payment.status === 'UNCONFIRMED';
  }

  /** Approvers confirm payments created by someone else, never their own. */
  protected canConfirm(payment: Payment): boolean {
    return (
      this.canApprove() && payment.status === 'UNCONFIRMED' && payment.createdBy !== this.host.username()
    );
  }

  protected onFilterInput(value: string): void {
    clearTimeout(this.filterTimer);
    this.filterTimer = setTimeout(() => this.resetPaging(() => this.filter.set(value)), 300);
  }

  protected onSort(sort: Sort): void {
    this.resetPaging(() => {
      if (sort.direction === '') {
        this.sortField.set('createdAt');
        this.sortDirection.set('DESC');
      } else {
        this.sortField.set(sort.active as PaymentSortField);
        this.sortDirection.set(sort.direction === 'asc' ? 'ASC' : 'DESC');
      }
    });
  }

  protected onPage(event: PageEvent): void {
    if (event.pageSize !== this.pageSize()) {
      this.resetPaging(() => this.pageSize.set(event.pageSize));
    } else {
      this.pageIndex.set(event.pageIndex);
    }
  }

  protected retry(): void {
    this.refresh();
  }

  protected create(): void {
    this.dialog
      .open<PaymentFormDialog, PaymentFormData, Payment>(PaymentFormDialog, { data: {}, width: '560px' })
      .afterClosed()
      .subscribe((created) => {
        if (!created) return;
        this.host.notify(this.t('created'), 'success');
        this.resetPaging(() => undefined);
        this.refresh();
      });
  }

  protected edit(payment: Payment): void {
    this.dialog
      .open<PaymentFormDialog, PaymentFormData, Payment>(PaymentFormDialog, {
        data: { payment },
        width: '560px',
      })
      .afterClosed()
      .subscribe((updated) => {
        if (!updated) return;
        this.focus.expect(this.t('editOf', { to: updated.to_account }), this.t('newPayment'));
        this.host.notify(this.t('updated'), 'success');
        this.refresh();
      });
  }

  protected details(payment: Payment): void {
    this.host.navigate(`/${payment.id}`);
  }

  protected remove(payment: Payment): void {
    const data: ConfirmDialogData = {
      title: this.t('deleteQuestion'),
      message: this.t('deleteExplained', {
        from: payment.from_account,
        to: payment.to_account,
        amount: this.amountOf(payment),
      }),
      action: this.t('delete'),
    };
    this.dialog
      .open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, { data })
      .afterClosed()
      .subscribe(async (yes) => {
        if (!yes) return;
        // Its row, and the Delete button focus went back to, are about to go: focus the first
        // remaining row's Details button (the first action of every row).
        this.focus.expect(
          (root) => root.querySelector<HTMLElement>('td.actions button'),
          this.t('newPayment'),
        );
        try {
          await this.client.delete(payment.id, payment._version);
          this.host.notify(this.t('deleted'), 'success');
        } catch (e) {
          this.host.notify(this.explain(e), 'error');
        }
        this.refresh();
      });
  }

  protected async confirm(payment: Payment): Promise<void> {
    // A confirmed payment has no Confirm button: focus stays in its row.
    this.focus.expect(this.t('detailsOf', { to: payment.to_account }), this.t('newPayment'));
    try {
      await this.client.confirm(payment.id, payment._version);
      this.host.notify(this.t('confirmedNote'), 'success');
    } catch (e) {
      this.host.notify(this.explain(e), 'error');
    }
    this.refresh();
  }

  /** Reloads the current page with the same cursor. */
  private refresh(): void {
    this.page.reload();
  }

  private resetPaging(change: () => void): void {
    this.pageIndex.set(0);
    this.pageTokens = [null];
    change();
  }

  private arrived(page: PaymentPage): void {
    // Pages after this one are only reachable through the cursor this answer returned.
    const kept = this.pageTokens.slice(0, this.pageIndex() + 1);
    this.pageTokens = page.nextToken ? [...kept, page.nextToken] : kept;
    this.focus.restore();
    if (page.items.length > 0) markFirstRender('atrium-payments:data', this.injector);
  }

  private syncDetails(id: string): void {
    if (id === '' || id === this.openDetailsId) {
      if (id === '' && this.openDetailsId) this.dialog.getDialogById('payment-details')?.close();
      return;
    }
    this.openDetailsId = id;
    this.dialog.getDialogById('payment-details')?.close();
    this.dialog
      .open(PaymentDetailsDialog, { id: 'payment-details', data: { id }, width: '640px' })
      .afterClosed()
      .subscribe(() => {
        if (this.openDetailsId !== id) return;
        this.openDetailsId = undefined;
        this.host.navigate('');
      });
  }

  private explain(e: unknown): string {
    if (e instanceof GraphqlRequestError) {
      if (e.isConflict) return this.t('conflictRefreshed');
      return e.message;
    }
    return this.t('somethingWrong');
  }
}
