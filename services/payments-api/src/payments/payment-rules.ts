import type { CallerContext } from '@atrium/auth';
import { checkPaymentReference, comparableAccountNumber } from '@atrium/account-number';
import { isPaymentDueYear, PAYMENT_INPUT } from '@atrium/contracts';
import { AccountsUnavailable, type AccountsDirectory } from './accounts-directory.ts';
import { PaymentsError, unauthorized, validationFailed, type FieldProblem } from '../errors.ts';
import { checkPaymentAmount, currencyMinorUnits, PAYMENT_AMOUNT } from '@atrium/money';
import type {
  ExtensionSdl,
  ModelBehaviour,
  ModelExtension,
  RequestContext,
  Resolver,
} from '../graphql/model-resolvers.ts';
import type { StoredRecord } from '../model/store.ts';
import { canConfirm } from '../model/tenant-roles.ts';

// The bounds the service enforces whatever the client sends are the ones the payment form checks
// first, from the modules both import: the message's and due date's are @atrium/contracts'
// `PAYMENT_INPUT`, the amount's @atrium/money's `checkPaymentAmount`; account references follow
// `checkPaymentReference` (ADR 0005: up to 34 characters, IBANs verified) so real account numbers fit.

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks one account reference; returns its normalised form, or undefined after noting the problem. */
function checkAccount(
  field: string,
  label: string,
  value: unknown,
  problems: FieldProblem[],
): string | undefined {
  const check = checkPaymentReference(typeof value === 'string' ? value : '', label);
  if (check.ok) return check.normalized;
  problems.push({ field, code: check.code, message: check.message });
  return undefined;
}

/** Validates a whole payment (after merging an update); returns the normalized values or throws per field. */
export function validatePayment(values: Record<string, unknown>): Record<string, unknown> {
  const problems: FieldProblem[] = [];
  const out = { ...values };
  const from = checkAccount('from_account', 'From account', values['from_account'], problems);
  const to = checkAccount('to_account', 'To account', values['to_account'], problems);
  if (from !== undefined) out['from_account'] = from;
  if (to !== undefined) out['to_account'] = to;
  if (from !== undefined && to !== undefined && comparableAccountNumber(from) === comparableAccountNumber(to))
    problems.push({
      field: 'to_account',
      code: 'SAME_ACCOUNT',
      message: 'To account must differ from From account',
    });

  const message = values['message'];
  if (typeof message === 'string') {
    if (message.length > PAYMENT_INPUT.messageMaxLength)
      problems.push({
        field: 'message',
        code: 'TOO_LONG',
        message: `Message must be at most ${PAYMENT_INPUT.messageMaxLength} characters`,
      });
    else if (CONTROL.test(message))
      problems.push({
        field: 'message',
        code: 'INVALID_CHARACTERS',
        message: 'Message contains invalid characters',
      });
    out['message'] = message === '' ? null : message;
  }

  const currency = typeof values['currency'] === 'string' ? values['currency'].trim().toUpperCase() : '';
  if (currencyMinorUnits(currency) === undefined)
    problems.push({
      field: 'currency',
      code: 'CURRENCY_INVALID',
      message: 'Currency must be an ISO 4217 code like DKK or EUR',
    });
  else out['currency'] = currency;

  const amount = values['amount'];
  if (typeof amount !== 'number' && typeof amount !== 'string')
    problems.push({ field: 'amount', code: 'REQUIRED', message: 'Amount is required' });
  else if (currencyMinorUnits(currency) !== undefined) {
    const exact = checkPaymentAmount(amount, currency);
    if (exact.ok) out['amount'] = exact.amount;
    else {
      const units = exact.minorUnits;
      const text = {
        format: ['AMOUNT_FORMAT', 'Amount must be a number like 1250.50'],
        not_positive: ['AMOUNT_NOT_POSITIVE', 'Amount must be greater than 0'],
        too_large: [
          'AMOUNT_TOO_LARGE',
          `Amount must have at most ${PAYMENT_AMOUNT.maxIntegerDigits} digits before the decimal point`,
        ],
        too_many_decimals: [
          'AMOUNT_TOO_MANY_DECIMALS',
          units === 0
            ? `${currency} amounts have no decimals`
            : `${currency} amounts have at most ${units} decimals`,
        ],
      }[exact.problem];
      problems.push({ field: 'amount', code: text[0] as string, message: text[1] as string });
    }
  }

  const due = values['dueDate'];
  const year = typeof due === 'string' ? new Date(due).getUTCFullYear() : Number.NaN;
  if (typeof due !== 'string' || due === '')
    problems.push({ field: 'dueDate', code: 'REQUIRED', message: 'Due date is required' });
  else if (!isPaymentDueYear(year))
    problems.push({ field: 'dueDate', code: 'DATE_INVALID', message: 'Due date must be a valid date' });

  if (values['type'] !== 'DOMESTIC' && values['type'] !== 'INTERNATIONAL')
    problems.push({ field: 'type', code: 'TYPE_INVALID', message: 'Type must be DOMESTIC or INTERNATIONAL' });

  if (problems.length > 0) throw validationFailed(problems);
  return out;
}

/**
 * The fields that decide what is paid. Whoever set the current value of one of them may not be the
 * one who confirms the payment; `message` is only a note to the beneficiary and is not among them.
 */
export const PAYMENT_TERMS = ['amount', 'currency', 'from_account', 'to_account', 'dueDate', 'type'] as const;

/**
 * Who set the current value of each term, read from the item's own audit history (ADR 0102: it is
 * written in the same conditional put as the record, so it cannot disagree with it, and it covers
 * payments edited before this rule existed). A change that leaves a term's value as it was does not
 * make its author the term's author; one that is later undone by someone else no longer counts.
 */
export function termAuthors(current: StoredRecord): ReadonlyMap<string, string> {
  const authors = new Map<string, string>();
  for (const entry of current.history) {
    if (entry.operation === 'CREATE') for (const term of PAYMENT_TERMS) authors.set(term, entry.actorId);
    if (entry.operation !== 'UPDATE' || entry.before === null || entry.after === null) continue;
    const before = JSON.parse(entry.before) as Record<string, unknown>;
    const after = JSON.parse(entry.after) as Record<string, unknown>;
    for (const term of PAYMENT_TERMS)
      if (String(before[term] ?? '') !== String(after[term] ?? '')) authors.set(term, entry.actorId);
  }
  return authors;
}

/** Four eyes: neither the creator nor whoever last changed a term confirms the payment. */
function refuseOwnDecision(current: StoredRecord, caller: CallerContext): void {
  const audit = {
    tenantId: caller.tenantId,
    paymentId: current.record['id'],
    version: current.version,
    actorId: caller.userId,
    actor: caller.username,
  };
  if (current.createdById === caller.userId)
    throw new PaymentsError('SELF_CONFIRMATION', { audit: { ...audit, reason: 'created' } });
  const authors = termAuthors(current);
  const changed = PAYMENT_TERMS.filter((term) => authors.get(term) === caller.userId);
  if (changed.length === 0) return;
  const list = changed.length === 1 ? changed[0] : `${changed.slice(0, -1).join(', ')} and ${changed.at(-1)}`;
  throw new PaymentsError('SELF_CONFIRMATION', {
    message: `A payment cannot be confirmed by the user who last changed its ${list}.`,
    audit: { ...audit, reason: 'changed terms', changed },
  });
}

function refuseIfConfirmed(current: StoredRecord): void {
  if (current.record['status'] === 'CONFIRMED') throw new PaymentsError('PAYMENT_CONFIRMED');
}

/**
 * Replaces `from_account` with the caller's tenant's account it names (as the accounts API writes it),
 * or refuses the write: ADR 0005. Asked with the caller's own token, so the accounts API decides what
 * the caller's tenant owns.
 */
async function ownAccount(
  accounts: AccountsDirectory,
  caller: CallerContext,
  request: RequestContext,
  reference: string,
): Promise<string> {
  let number: string | undefined;
  try {
    number = await accounts.find(
      { tenantId: caller.tenantId, accessToken: request.accessToken, requestId: request.requestId },
      reference,
    );
  } catch (error) {
    if (!(error instanceof AccountsUnavailable)) throw error;
    throw new PaymentsError('ACCOUNTS_UNAVAILABLE', { cause: error });
  }
  if (number === undefined)
    throw validationFailed([
      {
        field: 'from_account',
        code: 'ACCOUNT_UNKNOWN',
        message: `From account must be one of ${caller.tenantName || caller.tenantId}'s accounts`,
      },
    ]);
  return number;
}

/**
 * The Payment model's lifecycle: UNCONFIRMED payments are edited by members; CONFIRMED is frozen.
 * With an accounts directory, `from_account` must be one of the tenant's accounts whenever it is set
 * or changed (a payment stored before keeps its reference through edits of other fields).
 */
export function createPaymentBehaviour(accounts?: AccountsDirectory): ModelBehaviour {
  return {
    async create(input, caller, request) {
      const valid = validatePayment(input);
      if (accounts !== undefined)
        valid['from_account'] = await ownAccount(accounts, caller, request, valid['from_account'] as string);
      return { ...valid, status: 'UNCONFIRMED', createdBy: caller.username, confirmedBy: null };
    },
    async update(current, merged, caller, request) {
      refuseIfConfirmed(current);
      const valid = validatePayment(merged);
      const from = valid['from_account'] as string;
      const before = current.record['from_account'];
      if (
        accounts !== undefined &&
        (typeof before !== 'string' || comparableAccountNumber(before) !== comparableAccountNumber(from))
      )
        valid['from_account'] = await ownAccount(accounts, caller, request, from);
      // Managed fields stay what the server set, whatever was merged.
      return {
        ...valid,
        status: current.record['status'],
        createdBy: current.record['createdBy'],
        confirmedBy: current.record['confirmedBy'],
      };
    },
    delete(current) {
      refuseIfConfirmed(current);
    },
    extension: paymentExtension,
  };
}

/** SDL of the operations beyond Amplify's generated ones. */
export const PAYMENT_EXTENSION = {
  mutation: ['confirmPayment(id: ID!, expectedVersion: Int!): Payment'],
} as const satisfies ExtensionSdl;

interface ConfirmArgs {
  readonly id: string;
  readonly expectedVersion: number;
}

/** `confirmPayment`: an approver confirms a payment someone else created, at the version they saw. */
const paymentExtension: ModelExtension = {
  sdl: PAYMENT_EXTENSION,
  resolvers: (service) => {
    const confirmPayment: Resolver<ConfirmArgs> = async (_root, args, context, info) => {
      const caller: CallerContext = context.caller;
      if (!canConfirm(caller)) throw unauthorized(info.fieldName, info.parentType.name);
      return service.change(caller.tenantId, args.id, args.expectedVersion, 'CONFIRM', caller, (current) => {
        refuseIfConfirmed(current);
        // Four eyes, whatever roles the caller holds.
        refuseOwnDecision(current, caller);
        return { ...current.record, status: 'CONFIRMED', confirmedBy: caller.username };
      });
    };
    return { Mutation: { confirmPayment } };
  },
};
