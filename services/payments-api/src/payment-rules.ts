import type { GraphQLResolveInfo } from 'graphql';
import type { CallerContext } from '@atrium/auth';
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

/** The bounds of the articles' create form, which the service enforces whatever the client sends. */
export const PAYMENT_RULES = {
  accountMaxLength: 8,
  messageMaxLength: 30,
  amountMaxIntegerDigits: MAX_INTEGER_DIGITS,
  /** Due dates outside these years are typing mistakes, not payments. */
  dueDateYears: [2000, 2199],
} as const;

const CONTROL = /[\u0000-\u001f\u007f]/;

function checkAccount(field: string, label: string, value: unknown, problems: FieldProblem[]): void {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') problems.push({ field, code: 'REQUIRED', message: `${label} is required` });
  else if (text.length > PAYMENT_RULES.accountMaxLength)
    problems.push({
      field,
      code: 'TOO_LONG',
      message: `${label} must be at most ${PAYMENT_RULES.accountMaxLength} characters`,
    });
  else if (CONTROL.test(text))
    problems.push({ field, code: 'INVALID_CHARACTERS', message: `${label} contains invalid characters` });
}

/** Validates a whole payment (after merging an update); returns the normalized values or throws per field. */
export function validatePayment(values: Record<string, unknown>): Record<string, unknown> {
  const problems: FieldProblem[] = [];
  const out = { ...values };
  checkAccount('from_account', 'From account', values['from_account'], problems);
  checkAccount('to_account', 'To account', values['to_account'], problems);
  if (typeof values['from_account'] === 'string') out['from_account'] = values['from_account'].trim();
  if (typeof values['to_account'] === 'string') out['to_account'] = values['to_account'].trim();
  if (problems.length === 0 && out['from_account'] === out['to_account'])
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

/** The Payment model's lifecycle: UNCONFIRMED payments are edited by members; CONFIRMED is frozen. */
export const paymentBehaviour: ModelBehaviour = {
  create(input, caller) {
    return {
      ...validatePayment(input),
      status: 'UNCONFIRMED',
      createdBy: caller.username,
      confirmedBy: null,
    };
  },
  update(current, merged) {
    refuseIfConfirmed(current);
    // Managed fields stay what the server set, whatever was merged.
    return {
      ...validatePayment(merged),
      status: current.record['status'],
      createdBy: current.record['createdBy'],
      confirmedBy: current.record['confirmedBy'],
    };
  },
  delete(current) {
    refuseIfConfirmed(current);
  },
};

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
