// Writes src/app/payments-api/payments-api.generated.ts before every build, test and dev server:
// the payments API's documents (Amplify codegen) and their types (GraphQL Code Generator), from the
// service's schema. Not committed: a schema change shows up as a compile error in the element's code.
import { writeFile } from 'node:fs/promises';
import { buildSchema, introspectionFromSchema } from 'graphql';
import { amplifyOperations, clientModule, servedSchemaSdl } from '@atrium/payments-api/client-codegen';

const target = new URL('../src/app/payments-api/payments-api.generated.ts', import.meta.url);
const sdl = await servedSchemaSdl();
const operations = amplifyOperations(introspectionFromSchema(buildSchema(sdl)));
const module = await clientModule(sdl, operations, {
  // Amounts go out as JsonDecimal (exact digits as a JSON number) and are read as text or number.
  scalars: { Float: { input: 'number | JsonDecimal', output: 'number | string' } },
  prelude: ["import type { JsonDecimal } from './json-decimal';"],
});
await writeFile(target, module);
console.log(`payments-api.generated.ts: ${operations.length} operations`);
