import { Kind, parse, type DirectiveNode, type TypeNode, type ValueNode } from 'graphql';

/** One field of an `@model` type as the transformer needs it. */
export interface ModelField {
  readonly name: string;
  /** Named type: `ID`, `String`, `Int`, `Float`, `Boolean`, `AWSDateTime`, `AWSJSON` or an enum. */
  readonly type: string;
  readonly required: boolean;
  readonly list: boolean;
  readonly isEnum: boolean;
  /** Set by the server only (`@managed`): never in a create/update input. */
  readonly managed: boolean;
  /** Server-side sort key of `list<Model>s` (`@sortable`): backed by its own sparse index. */
  readonly sortable: boolean;
}

/** A type annotated `@model`, with its single tenant-owner `@auth` rule. */
export interface ModelDefinition {
  readonly name: string;
  readonly fields: readonly ModelField[];
  /**
   * The field holding the tenant (`ownerField`), filled from the verified token's tenant, never from
   * input. The rule's `identityClaim` is not read: which claim names the tenant is @atrium/auth's.
   */
  readonly ownerField: string;
}

/** Everything the transformer read from the annotated schema. */
export interface AnnotatedSchema {
  readonly models: readonly ModelDefinition[];
  /** Enum definitions as written (SDL), copied to the generated schema. */
  readonly enums: ReadonlyMap<string, readonly string[]>;
}

const SCALARS = new Set(['ID', 'String', 'Int', 'Float', 'Boolean', 'AWSDateTime', 'AWSJSON']);

/** Fields `list<Model>s` can sort on: `createdAt` always, then every `@sortable` field. */
export function sortableFields(model: ModelDefinition): readonly string[] {
  return ['createdAt', ...model.fields.filter((f) => f.sortable).map((f) => f.name)];
}

/** Fields every @model gets automatically, as Amplify adds them (timestamps, conflict detection). */
export const AUTOMATIC_FIELDS = ['createdAt', 'updatedAt', '_version'] as const;

function unwrap(type: TypeNode): { name: string; required: boolean; list: boolean } {
  if (type.kind === Kind.NON_NULL_TYPE) return { ...unwrap(type.type), required: true };
  if (type.kind === Kind.LIST_TYPE) return { ...unwrap(type.type), list: true, required: false };
  return { name: type.name.value, required: false, list: false };
}

function valueToJs(value: ValueNode): unknown {
  switch (value.kind) {
    case Kind.LIST:
      return value.values.map(valueToJs);
    case Kind.OBJECT:
      return Object.fromEntries(value.fields.map((f) => [f.name.value, valueToJs(f.value)]));
    case Kind.STRING:
    case Kind.ENUM:
      return value.value;
    case Kind.BOOLEAN:
      return value.value;
    default:
      return undefined;
  }
}

function authRule(typeName: string, directives: readonly DirectiveNode[]): { ownerField: string } {
  const auth = directives.find((d) => d.name.value === 'auth');
  const rulesArg = auth?.arguments?.find((a) => a.name.value === 'rules');
  const rules = rulesArg === undefined ? [] : (valueToJs(rulesArg.value) as Record<string, unknown>[]);
  const owner = rules.find((r) => r['allow'] === 'owner');
  // Tenant isolation is the whole point: a model without an owner rule would be readable by anyone.
  if (auth === undefined || owner === undefined || rules.length !== 1) {
    throw new Error(
      `@model ${typeName}: exactly one @auth rule { allow: owner, ownerField, identityClaim } is required`,
    );
  }
  return {
    ownerField: typeof owner['ownerField'] === 'string' ? owner['ownerField'] : 'owner',
  };
}

/** Reads the `@model`/`@auth` annotated SDL; throws naming the type and field that cannot be served. */
export function readAnnotatedSchema(sdl: string): AnnotatedSchema {
  const document = parse(sdl);
  const enums = new Map<string, readonly string[]>();
  for (const def of document.definitions)
    if (def.kind === Kind.ENUM_TYPE_DEFINITION)
      enums.set(
        def.name.value,
        (def.values ?? []).map((v) => v.name.value),
      );

  const models: ModelDefinition[] = [];
  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const directives = def.directives ?? [];
    if (!directives.some((d) => d.name.value === 'model')) {
      throw new Error(`type ${def.name.value}: only @model types are supported in the annotated schema`);
    }
    const { ownerField } = authRule(def.name.value, directives);
    const fields: ModelField[] = (def.fields ?? []).map((f) => {
      const { name, required, list } = unwrap(f.type);
      const isEnum = enums.has(name);
      if (!SCALARS.has(name) && !isEnum)
        throw new Error(`${def.name.value}.${f.name.value}: type ${name} is not supported`);
      if ((AUTOMATIC_FIELDS as readonly string[]).includes(f.name.value))
        throw new Error(`${def.name.value}.${f.name.value}: automatic field, do not declare it`);
      const has = (d: string): boolean => (f.directives ?? []).some((x) => x.name.value === d);
      if (has('sortable') && (!required || list || !['Float', 'Int', 'String', 'AWSDateTime'].includes(name)))
        throw new Error(
          `${def.name.value}.${f.name.value}: @sortable needs a required Float, Int, String or AWSDateTime`,
        );
      return {
        name: f.name.value,
        type: name,
        required,
        list,
        isEnum,
        managed: has('managed'),
        sortable: has('sortable'),
      };
    });
    const id = fields.find((f) => f.name === 'id');
    if (id === undefined || id.type !== 'ID' || !id.required)
      throw new Error(`${def.name.value}: needs id: ID!`);
    const owner = fields.find((f) => f.name === ownerField);
    if (owner === undefined || !owner.required)
      throw new Error(`${def.name.value}: owner field ${ownerField} must be a required field`);
    models.push({ name: def.name.value, fields, ownerField });
  }
  if (models.length === 0) throw new Error('the annotated schema declares no @model type');
  return { models, enums };
}
