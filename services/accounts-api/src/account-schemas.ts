import { Type, type Static } from 'typebox';
import { ACCOUNT_BALANCE_PATTERN } from '@atrium/money';

// The schemas are the contract: Fastify validates requests with them, serialises responses with
// them, and the OpenAPI document is generated from them. The UI's dialogs mirror these limits.

export const NICKNAME_MAX = 60;

const Nickname = Type.String({
  minLength: 1,
  maxLength: NICKNAME_MAX,
  // No leading/trailing blanks and no line breaks: a name that looks empty or spans lines is a typo.
  pattern: '^\\S(.*\\S)?$',
  description: 'Display name, 1–60 characters, no leading or trailing spaces.',
  examples: ['Operating account'],
});
const AccountType = Type.Union([Type.Literal('domestic'), Type.Literal('international')], {
  description: 'The tree root the account belongs to.',
});
const AccountNumber = Type.String({
  minLength: 4,
  maxLength: 42,
  pattern: '^[A-Za-z0-9 -]+$',
  description:
    'An IBAN (country length and mod-97 check digits are verified; spaces allowed) or a national ' +
    'number: 4-digit bank code, optional hyphen, 4–14 digit account number. Unique within the tenant.',
  examples: ['DK5000400440116243', '1234-0001234567'],
});
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code.', examples: ['DKK'] });
const Balance = Type.String({
  pattern: ACCOUNT_BALANCE_PATTERN,
  maxLength: 21,
  description: "Exact decimal string, at most the currency's minor units of decimals.",
  examples: ['1250.75'],
});
const Timestamp = Type.String({ format: 'date-time' });

export const Account = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    tenant_id: Type.String({ description: "The owner tenant: always the caller's, from the token." }),
    nickname: Type.String(),
    balance: Type.String({ description: "Exact decimal string with the currency's number of decimals." }),
    type: AccountType,
    account_number: Type.String(),
    currency: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
    version: Type.Integer({
      minimum: 1,
      description: 'Increases with every change; the ETag is `"<version>"`.',
    }),
  },
  { additionalProperties: false, title: 'Account' },
);
export type Account = Static<typeof Account>;

export const AccountCreate = Type.Object(
  {
    nickname: Nickname,
    type: AccountType,
    account_number: AccountNumber,
    currency: Currency,
    balance: Type.Optional(Balance),
  },
  { additionalProperties: false, title: 'AccountCreate' },
);
export type AccountCreate = Static<typeof AccountCreate>;

export const AccountPatch = Type.Object(
  {
    nickname: Type.Optional(Nickname),
    type: Type.Optional(AccountType),
    account_number: Type.Optional(AccountNumber),
    currency: Type.Optional(Currency),
    balance: Type.Optional(Balance),
  },
  { additionalProperties: false, minProperties: 1, title: 'AccountPatch' },
);
export type AccountPatch = Static<typeof AccountPatch>;

export const SORTS = [
  'nickname',
  '-nickname',
  'account_number',
  '-account_number',
  'balance',
  '-balance',
  'created_at',
  '-created_at',
] as const;
export type Sort = (typeof SORTS)[number];

export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'Page size.' })),
    cursor: Type.Optional(
      Type.String({
        maxLength: 512,
        pattern: '^[A-Za-z0-9_-]+$',
        description: '`next_cursor` of the previous page.',
      }),
    ),
    type: Type.Optional(AccountType),
    currency: Type.Optional(Currency),
    account_number: Type.Optional({
      ...AccountNumber,
      description:
        'Only the account with this number, however it is spaced or cased (e.g. to check that a ' +
        "number is one of the tenant's accounts); an invalid number is refused with 400.",
    }),
    sort: Type.Optional(
      Type.Union(
        SORTS.map((s) => Type.Literal(s)),
        { default: 'nickname', description: 'Field to sort by; a leading `-` sorts descending.' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const AccountPage = Type.Object(
  {
    items: Type.Array(Account),
    next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page.' }),
  },
  { additionalProperties: false, title: 'AccountPage' },
);
export type AccountPage = Static<typeof AccountPage>;

export const AccountParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description: 'The ETag of the version you read; required (428 without it, 412 when stale).',
    }),
  ),
});

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable error code.' }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), message: Type.String() }))),
  },
  { title: 'Problem' },
);

export const Health = Type.Object({ status: Type.String() });
