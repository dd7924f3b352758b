import {
  ChangeDetectionStrategy,
  ChangeDetectorRef,
  Component,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTree, MatTreeModule } from '@angular/material/tree';
import { AccountFormDialog, type AccountFormData } from '../account-form/account-form-dialog';
import type { Account } from '../accounts-api/account';
import { AccountsClient, ApiProblem } from '../accounts-api/accounts-client';
import {
  ConfirmDialog,
  type ConfirmDialogData,
  ElementHost,
  FocusReturn,
  markFirstRender,
} from '@atrium/element-kit';
import { formatMoney } from '@atrium/money';
import {
  groupAccounts,
  totalsByCurrency,
  type AccountNode,
  type GroupNode,
  type TreeNode,
} from './account-groups';
import { ACCOUNTS_LABELS } from '../accounts-labels';

/** The tenant's accounts as the articles' tree, with totals; admins add, rename and delete. */
@Component({
  selector: 'atrium-accounts-tree',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatTreeModule, MatButtonModule, MatProgressBarModule],
  templateUrl: './accounts-tree.html',
  styleUrl: './accounts-tree.scss',
})
export class AccountsTree {
  private readonly client = inject(AccountsClient);
  private readonly dialog = inject(MatDialog);
  private readonly host = inject(ElementHost);
  private readonly focus = inject(FocusReturn);
  protected readonly t = this.host.labels(ACCOUNTS_LABELS);

  protected readonly state = signal<'loading' | 'ready' | 'error'>('loading');
  protected readonly error = signal('');
  /** True once a first list arrived: reloads then keep the tree (and its expansion) on screen. */
  protected readonly loaded = signal(false);
  private readonly accounts = signal<readonly Account[]>([]);
  protected readonly groups = computed(() => groupAccounts(this.accounts()));
  protected readonly overall = computed(() => totalsByCurrency(this.accounts()));
  protected readonly empty = computed(() => this.accounts().length === 0);
  private readonly tree = viewChild(MatTree);
  private readonly injector = inject(Injector);
  private readonly changes = inject(ChangeDetectorRef);
  private expandedOnce = false;
  protected readonly isAdmin = computed(() => this.host.hasAnyRole('admin'));

  protected readonly childrenOf = (node: TreeNode): TreeNode[] =>
    node.kind === 'group' ? [...node.children] : [];
  protected readonly keyOf = (node: TreeNode): string =>
    node.kind === 'group' ? `group:${node.type}` : node.account.id;
  /** Nodes are kept across reloads (a button keeps its focus) as long as their account is there. */
  protected readonly trackNode = (_: number, node: TreeNode): string => this.keyOf(node);
  protected readonly isGroup = (_: number, node: TreeNode): boolean => node.kind === 'group';

  constructor() {
    void this.load();
  }

  protected money(amount: string, currency: string): string {
    return formatMoney(amount, currency, this.host.locale);
  }

  protected group(node: TreeNode): GroupNode {
    return node as GroupNode;
  }

  protected leaf(node: TreeNode): AccountNode {
    return node as AccountNode;
  }

  protected isExpanded(node: TreeNode): boolean {
    return this.tree()?.isExpanded(node) ?? false;
  }

  protected retry(): void {
    void this.load();
  }

  protected add(): void {
    this.dialog
      .open<AccountFormDialog, AccountFormData, Account>(AccountFormDialog, { data: {}, width: '560px' })
      .afterClosed()
      .subscribe((added) => {
        if (!added) return;
        this.host.notify(this.t('added', { nickname: added.nickname }), 'success');
        void this.load();
      });
  }

  protected rename(account: Account): void {
    this.dialog
      .open<AccountFormDialog, AccountFormData, Account>(AccountFormDialog, {
        data: { account },
        width: '420px',
      })
      .afterClosed()
      .subscribe((renamed) => {
        if (!renamed) return;
        // The renamed account may move within its group: its Rename button keeps the focus.
        this.focus.expect(this.t('renameOf', { nickname: renamed.nickname }), this.t('addAccount'));
        this.host.notify(this.t('renamed', { nickname: renamed.nickname }), 'success');
        void this.load();
      });
  }

  protected remove(account: Account): void {
    const data: ConfirmDialogData = {
      title: this.t('deleteQuestion'),
      message: this.t('deleteExplained', { nickname: account.nickname, number: account.account_number }),
      action: this.t('delete'),
    };
    this.dialog
      .open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, { data })
      .afterClosed()
      .subscribe(async (yes) => {
        if (!yes) return;
        // Its node, and the Delete button focus went back to, are about to go: focus the first
        // remaining account's Rename button (the first action of every leaf).
        this.focus.expect(
          (root) => root.querySelector<HTMLElement>('.leaf .actions button'),
          this.t('addAccount'),
        );
        try {
          await this.client.delete(account);
          this.host.notify(this.t('deleted', { nickname: account.nickname }), 'success');
        } catch (e) {
          this.host.notify(e instanceof ApiProblem ? e.message : this.t('notDeleted'), 'error');
        }
        void this.load();
      });
  }

  private async load(): Promise<void> {
    // Prefetched while the tree was not built yet: shown in its very first render.
    const arrived = this.client.takeArrivedAll();
    if (arrived === undefined) this.state.set('loading');
    try {
      this.accounts.set(arrived ?? (await this.client.listAll()));
      this.loaded.set(true);
      this.state.set('ready');
      this.focus.restore();
      markFirstRender('atrium-accounts:data', this.injector);
      // Both groups start open; later reloads keep what the user opened or closed (expansionKey).
      if (!this.expandedOnce) {
        afterNextRender(
          () => {
            const tree = this.tree();
            if (tree && !this.expandedOnce) {
              this.expandedOnce = true;
              tree.expandAll();
              this.changes.markForCheck();
            }
          },
          { injector: this.injector },
        );
      }
    } catch (e) {
      this.error.set(e instanceof ApiProblem ? e.message : this.t('somethingWrong'));
      this.state.set('error');
    }
  }
}
