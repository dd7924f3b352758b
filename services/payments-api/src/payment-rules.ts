import type { GraphQLResolveInfo } from 'graphql';
import type { CallerContext } from '@atrium/auth';
import { checkPaymentReference, comparableAccountNumber } from '@atrium/account-number';
import { AccountsUnavailable, type AccountsDirectory } from './accounts-directory.ts';
import { PaymentsError, unauthorized, validationFailed, type FieldProblem } from './errors.ts';
import { exactAmount, MAX_INTEGER_DIGITS, minorUnits } from './money.ts';
import {
  changeTopic,
  type ChangePublisher,
  type ModelBehaviour,
  type RequestContext,
} from './model-resolvers.ts';
import type { ModelStore, StoredRecord } from './model-store.ts';
import { canConfirm } from './tenant-roles.ts';

/**
 * The bounds the service enforces whatever the client sends: the articles' create form, except the
 * account references, which follow `checkPaymentReference` (ADR 0005: up to 34 characters, IBANs
 * verified) so that real account numbers fit.
 */
export const PAYMENT_RULES = {
  messageMaxLength: 30,
  amountMaxIntegerDigits: MAX_INTEGER_DIGITS,
  /** Due dates outside these years are typing mistakes, not payments. */
  dueDateYears: [2000, 2199],
} as const;

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
    if (message.length > PAYMENT_RULES.messageMaxLength)
      problems.push({
        field: 'message',
        code: 'TOO_LONG',
        message: `Message must be at most ${PAYMENT_RULES.messageMaxLength} characters`,
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
  if (minorUnits(currency) === undefined)
    problems.push({
      field: 'currency',
      code: 'CURRENCY_INVALID',
      message: 'Currency must be an ISO 4217 code like DKK or EUR',
    });
  else out['currency'] = currency;

  const amount = values['amount'];
  if (typeof amount !== 'number' && typeof amount !== 'string')
    problems.push({ field: 'amount', code: 'REQUIRED', message: 'Amount is required' });
  else if (minorUnits(currency) !== undefined) {
    const exact = exactAmount(amount, currency);
    if ('amount' in exact) out['amount'] = exact.amount;
    else {
      const units = minorUnits(currency) ?? 2;
      const text = {
        format: ['AMOUNT_FORMAT', 'Amount must be a number like 1250.50'],
        not_positive: ['AMOUNT_NOT_POSITIVE', 'Amount must be greater than 0'],
        too_large: [
          'AMOUNT_TOO_LARGE',
          `Amount must have at most ${MAX_INTEGER_DIGITS} digits before the decimal point`,
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
  else if (!(year >= PAYMENT_RULES.dueDateYears[0] && year <= PAYMENT_RULES.dueDateYears[1]))
    problems.push({ field: 'dueDate', code: 'DATE_INVALID', message: 'Due date must be a valid date' });

  if (values['type'] !== 'DOMESTIC' && values['type'] !== 'INTERNATIONAL')
    problems.push({ field: 'type', code: 'TYPE_INVALID', message: 'Type must be DOMESTIC or INTERNATIONAL' });

  if (problems.length > 0) throw validationFailed(problems);
  return out;
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
    number = await accounts.find({ tenantId: caller.tenantId, accessToken: request.accessToken }, reference);
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
  };
}

/** The Payment lifecycle without an accounts API: account references are free text. */
export const paymentBehaviour: ModelBehaviour = createPaymentBehaviour();

/** SDL of the operations beyond Amplify's generated ones. */
export const PAYMENT_EXTENSION = {
  mutation: ['confirmPayment(id: ID!, expectedVersion: Int!): Payment'],
};

/** `confirmPayment`: an approver confirms a payment someone else created, at the version they saw. */
export function paymentExtensionResolvers(store: ModelStore, publish: ChangePublisher) {
  return {
    Mutation: {
      confirmPayment: async (
        _root: unknown,
        args: { id: string; expectedVersion: number },
        context: RequestContext,
        info: GraphQLResolveInfo,
      ) => {
        const caller: CallerContext = context.caller;
        if (!canConfirm(caller)) throw unauthorized(info.fieldName, info.parentType.name);
        const confirmed = await store.change(
          caller.tenantId,
          args.id,
          args.expectedVersion,
          'CONFIRM',
          caller,
          (current) => {
            refuseIfConfirmed(current);
            // Four eyes: the creator can never confirm their own payment, whatever roles they hold.
            if (current.createdById === caller.userId) throw new PaymentsError('SELF_CONFIRMATION');
            return { ...current.record, status: 'CONFIRMED', confirmedBy: caller.username };
          },
        );
        await publish(changeTopic('Payment', 'update', caller.tenantId), { record: confirmed });
        return confirmed;
      },
    },
  };
}
