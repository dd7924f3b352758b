import {
  sortableFields,
  type AnnotatedSchema,
  type ModelDefinition,
  type ModelField,
} from '../model/definition.ts';

/** The operation and type names Amplify's transformer derives from a model name. */
export interface ModelNames {
  readonly get: string;
  readonly list: string;
  readonly create: string;
  readonly update: string;
  readonly delete: string;
  readonly onCreate: string;
  readonly onUpdate: string;
  readonly onDelete: string;
  /** Atrium's own: the model's audit trail query. */
  readonly audit: string;
  readonly auditIdArgument: string;
  readonly sortField: string;
}

function plural(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(name)) return `${name}es`;
  return `${name}s`;
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** `dueDate` → `DUE_DATE`: the values of the `<Model>SortField` enum. */
export function constantCase(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

export function modelNames(model: ModelDefinition): ModelNames {
  const n = model.name;
  return {
    get: `get${n}`,
    list: `list${plural(n)}`,
    create: `create${n}`,
    update: `update${n}`,
    delete: `delete${n}`,
    onCreate: `onCreate${n}`,
    onUpdate: `onUpdate${n}`,
    onDelete: `onDelete${n}`,
    audit: `${lowerFirst(n)}Audit`,
    auditIdArgument: `${lowerFirst(n)}Id`,
    sortField: `${n}SortField`,
  };
}

function graphqlType(field: ModelField, forceOptional = false): string {
  const base = field.list ? `[${field.type}]` : field.type;
  return field.required && !forceOptional ? `${base}!` : base;
}

function filterInput(field: ModelField, prefix: 'Model' | 'ModelSubscription'): string {
  if (field.isEnum) return prefix === 'Model' ? `Model${field.type}Input` : 'ModelSubscriptionStringInput';
  switch (field.type) {
    case 'ID':
      return `${prefix}IDInput`;
    case 'Int':
      return `${prefix}IntInput`;
    case 'Float':
      return `${prefix}FloatInput`;
    case 'Boolean':
      return `${prefix}BooleanInput`;
    default:
      return `${prefix}StringInput`;
  }
}

const COMMON = `
scalar AWSDateTime
scalar AWSJSON

enum ModelAttributeTypes { binary binarySet bool list map number numberSet string stringSet _null }
enum ModelSortDirection { ASC DESC }
enum ModelAuditOperation { CREATE UPDATE DELETE CONFIRM }

input ModelSizeInput { ne: Int, eq: Int, le: Int, lt: Int, ge: Int, gt: Int, between: [Int] }
input ModelStringInput { ne: String, eq: String, le: String, lt: String, ge: String, gt: String, contains: String, notContains: String, between: [String], beginsWith: String, attributeExists: Boolean, attributeType: ModelAttributeTypes, size: ModelSizeInput }
input ModelIntInput { ne: Int, eq: Int, le: Int, lt: Int, ge: Int, gt: Int, between: [Int], attributeExists: Boolean, attributeType: ModelAttributeTypes }
input ModelFloatInput { ne: Float, eq: Float, le: Float, lt: Float, ge: Float, gt: Float, between: [Float], attributeExists: Boolean, attributeType: ModelAttributeTypes }
input ModelBooleanInput { ne: Boolean, eq: Boolean, attributeExists: Boolean, attributeType: ModelAttributeTypes }
input ModelIDInput { ne: ID, eq: ID, le: ID, lt: ID, ge: ID, gt: ID, contains: ID, notContains: ID, between: [ID], beginsWith: ID, attributeExists: Boolean, attributeType: ModelAttributeTypes, size: ModelSizeInput }
input ModelSubscriptionStringInput { ne: String, eq: String, le: String, lt: String, ge: String, gt: String, contains: String, notContains: String, between: [String], beginsWith: String, in: [String], notIn: [String] }
input ModelSubscriptionIntInput { ne: Int, eq: Int, le: Int, lt: Int, ge: Int, gt: Int, between: [Int], in: [Int], notIn: [Int] }
input ModelSubscriptionFloatInput { ne: Float, eq: Float, le: Float, lt: Float, ge: Float, gt: Float, between: [Float], in: [Float], notIn: [Float] }
input ModelSubscriptionBooleanInput { ne: Boolean, eq: Boolean }
input ModelSubscriptionIDInput { ne: ID, eq: ID, le: ID, lt: ID, ge: ID, gt: ID, contains: ID, notContains: ID, between: [ID], beginsWith: ID, in: [ID], notIn: [ID] }
`;

/** A list query's `limit`: what it returns without one, and the most one may ask for. */
export interface ListLimits {
  readonly defaultLimit: number;
  readonly maxLimit: number;
}

/** The `limit` argument, described: tools and codegen show the default and the bound to client authors. */
function limitArgument({ defaultLimit, maxLimit }: ListLimits): string {
  return `"Items per page: default ${defaultLimit} (AppSync's is 100), at most ${maxLimit}; page on with nextToken." limit: Int`;
}

function modelSdl(
  model: ModelDefinition,
  limits: ListLimits,
): {
  types: string;
  query: string[];
  mutation: string[];
  subscription: string[];
} {
  const n = model.name;
  const names = modelNames(model);
  const fields = model.fields;
  const line = (entries: string[]): string => entries.map((e) => `  ${e}`).join('\n');
  const auto = ['createdAt: AWSDateTime!', 'updatedAt: AWSDateTime!', '_version: Int!'];
  const filterFields = fields.map((f) => `${f.name}: ${filterInput(f, 'Model')}`);
  const conditionFields = fields
    .filter((f) => f.name !== 'id')
    .map((f) => `${f.name}: ${filterInput(f, 'Model')}`);
  const inputFields = fields.filter((f) => !f.managed && f.name !== 'id');
  const subscriptionFields = fields
    .filter((f) => f.name !== model.ownerField)
    .map((f) => `${f.name}: ${filterInput(f, 'ModelSubscription')}`);
  const types = `
type ${n} {
${line([...fields.map((f) => `${f.name}: ${graphqlType(f)}`), ...auto])}
}
type Model${n}Connection { items: [${n}]!, nextToken: String }
type ${n}AuditEntry {
  at: AWSDateTime!
  actor: String!
  actorId: String!
  ${model.ownerField}: ID!
  operation: ModelAuditOperation!
  version: Int!
  before: AWSJSON
  after: AWSJSON
}
enum ${names.sortField} { ${sortableFields(model).map(constantCase).join(' ')} }
input Model${n}FilterInput {
${line([...filterFields, 'createdAt: ModelStringInput', 'updatedAt: ModelStringInput', `and: [Model${n}FilterInput]`, `or: [Model${n}FilterInput]`, `not: Model${n}FilterInput`])}
}
input Model${n}ConditionInput {
${line([...conditionFields, `and: [Model${n}ConditionInput]`, `or: [Model${n}ConditionInput]`, `not: Model${n}ConditionInput`, 'createdAt: ModelStringInput', 'updatedAt: ModelStringInput'])}
}
input Create${n}Input {
${line(['id: ID', ...inputFields.map((f) => `${f.name}: ${graphqlType(f, f.name === model.ownerField)}`)])}
}
input Update${n}Input {
${line(['id: ID!', ...inputFields.map((f) => `${f.name}: ${graphqlType(f, true)}`), '_version: Int'])}
}
input Delete${n}Input { id: ID!, _version: Int }
input ModelSubscription${n}FilterInput {
${line([...subscriptionFields, 'createdAt: ModelSubscriptionStringInput', 'updatedAt: ModelSubscriptionStringInput', `and: [ModelSubscription${n}FilterInput]`, `or: [ModelSubscription${n}FilterInput]`, `${model.ownerField}: ModelStringInput`])}
}
`;
  const owner = model.ownerField;
  const subscriptionArgs = `(filter: ModelSubscription${n}FilterInput, ${owner}: String)`;
  return {
    types,
    query: [
      `${names.get}(id: ID!): ${n}`,
      `${names.list}(filter: Model${n}FilterInput, ${limitArgument(limits)}, nextToken: String, sortField: ${names.sortField}, sortDirection: ModelSortDirection): Model${n}Connection`,
      `${names.audit}(${names.auditIdArgument}: ID!): [${n}AuditEntry!]`,
    ],
    mutation: [
      `${names.create}(input: Create${n}Input!, condition: Model${n}ConditionInput, idempotencyKey: String): ${n}`,
      `${names.update}(input: Update${n}Input!, condition: Model${n}ConditionInput): ${n}`,
      `${names.delete}(input: Delete${n}Input!, condition: Model${n}ConditionInput): ${n}`,
    ],
    subscription: [
      `${names.onCreate}${subscriptionArgs}: ${n}`,
      `${names.onUpdate}${subscriptionArgs}: ${n}`,
      `${names.onDelete}${subscriptionArgs}: ${n}`,
    ],
  };
}

/**
 * Generates the executable SDL for every `@model`: what Amplify's GraphQL transformer (v2) generates
 * for the same model, plus Atrium's sort arguments, idempotency key and audit query. `extensions`
 * are extra root fields (`type Mutation { … }` bodies) contributed by a model's behaviour.
 */
export function generateSchemaSdl(
  schema: AnnotatedSchema,
  extensions: { readonly query?: readonly string[]; readonly mutation?: readonly string[] },
  limits: ListLimits,
): string {
  const parts = schema.models.map((model) => modelSdl(model, limits));
  const enumInputs = [...schema.enums.keys()].map((e) => `input Model${e}Input { eq: ${e}, ne: ${e} }`);
  const enums = [...schema.enums].map(([name, values]) => `enum ${name} { ${values.join(' ')} }`);
  const root = (name: string, fields: string[]): string =>
    `type ${name} {\n${fields.map((f) => `  ${f}`).join('\n')}\n}`;
  return [
    COMMON,
    ...enums,
    ...enumInputs,
    ...parts.map((p) => p.types),
    root('Query', [...parts.flatMap((p) => p.query), ...(extensions.query ?? [])]),
    root('Mutation', [...parts.flatMap((p) => p.mutation), ...(extensions.mutation ?? [])]),
    root(
      'Subscription',
      parts.flatMap((p) => p.subscription),
    ),
  ].join('\n');
}
