// The import boundaries of STYLE.md are architecture: this proves the lint rule still bites.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: import.meta.dirname });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

test('a service may not import an app', async () => {
  const ids = await ruleIds(
    'services/identity/src/x.ts',
    "import { x } from '../../../apps/shell/src/main.tsx';\nvoid x;\n",
  );
  assert.ok(
    ids.includes('import-x/no-restricted-paths') || ids.includes('no-restricted-imports'),
    ids.join(),
  );
  assert.ok(
    (await ruleIds('services/identity/src/x.ts', "import x from '@atrium/shell';\nvoid x;\n")).includes(
      'no-restricted-imports',
    ),
  );
});

test('an app may not import another app', async () => {
  const ids = await ruleIds(
    'apps/shell/src/x.ts',
    "import { x } from '../../payments/src/main.ts';\nvoid x;\n",
  );
  assert.ok(ids.includes('import-x/no-restricted-paths'), ids.join());
});

test('a package may not import a service', async () => {
  const ids = await ruleIds(
    'packages/auth/src/x.ts',
    "import { x } from '../../../services/identity/src/app.ts';\nvoid x;\n",
  );
  assert.ok(ids.includes('import-x/no-restricted-paths'), ids.join());
});

test('a service importing a package through its name is fine', async () => {
  const ids = await ruleIds(
    'services/identity/src/x.ts',
    "import { hasRole } from '@atrium/auth';\nvoid hasRole;\n",
  );
  assert.deepEqual(ids, []);
});

test('a package (the element kit included) may not import an app', async () => {
  const ids = await ruleIds(
    'packages/element-kit/src/x.ts',
    "import { x } from '../../../apps/payments/src/main.ts';\nvoid x;\n",
  );
  assert.ok(ids.includes('import-x/no-restricted-paths'), ids.join());
});

test('a service may not import the element kit', async () => {
  assert.ok(
    (
      await ruleIds(
        'services/host/src/x.ts',
        "import { ElementHost } from '@atrium/element-kit';\nvoid ElementHost;\n",
      )
    ).includes('no-restricted-imports'),
  );
  const ids = await ruleIds(
    'services/host/src/x.ts',
    "import { x } from '../../../packages/element-kit/src/index.ts';\nvoid x;\n",
  );
  assert.ok(ids.includes('import-x/no-restricted-paths'), ids.join());
});

test("an element may not open Material's own snackbar: it notifies through the shell", async () => {
  const ids = await ruleIds(
    'apps/payments/src/app/x.ts',
    "import { MatSnackBar } from '@angular/material/snack-bar';\nvoid MatSnackBar;\n",
  );
  assert.ok(ids.includes('no-restricted-imports'), ids.join());
});

test("a service may not reach into another service's source: it goes through the package name", async () => {
  const ids = await ruleIds(
    'services/payments-api/src/x.ts',
    "import { x } from '../../../services/accounts-api/src/account-repository.ts';\nvoid x;\n",
  );
  assert.ok(ids.includes('no-restricted-imports'), ids.join());
  const fromBench = await ruleIds(
    'bench/accounts/x.ts',
    "import { x } from '../../services/accounts-api/src/account-repository.ts';\nvoid x;\n",
  );
  assert.ok(fromBench.includes('no-restricted-imports'), fromBench.join());
});

describe("payments-api's rooms import only what their place allows", () => {
  const src = 'services/payments-api/src';
  const refused = async (file: string, from: string): Promise<boolean> =>
    (await ruleIds(`${src}/${file}`, `import * as x from '${from}';\nvoid x;\n`)).includes(
      'import-x/no-restricted-paths',
    );

  it('the model imports no transport, GraphQL layer, engine or payment rule', async () => {
    assert.ok(await refused('model/x.ts', '../http/tenant-rate-limit.ts'));
    assert.ok(await refused('model/x.ts', '../graphql/model-transformer.ts'));
    assert.ok(await refused('model/x.ts', '../store/open-store.ts'));
    assert.ok(await refused('model/x.ts', '../payments/payment-rules.ts'));
    assert.equal(await refused('model/x.ts', '../errors.ts'), false);
  });

  it('a store adapter imports the model only', async () => {
    assert.ok(await refused('store/postgres/x.ts', '../../graphql/model-transformer.ts'));
    assert.ok(await refused('store/dynamodb/x.ts', '../../http/caller-authentication.ts'));
    assert.ok(await refused('store/x.ts', '../payments/payment-rules.ts'));
    assert.equal(await refused('store/postgres/x.ts', '../../model/store.ts'), false);
  });

  it('HTTP concerns never reach a store or the payment rules', async () => {
    assert.ok(await refused('http/x.ts', '../store/open-store.ts'));
    assert.ok(await refused('http/x.ts', '../payments/payment-rules.ts'));
    assert.equal(await refused('http/x.ts', '../graphql/document-limits.ts'), false);
  });

  it('the GraphQL layer knows no engine, no payment rule and of http/ only the caller authentication', async () => {
    assert.ok(await refused('graphql/x.ts', '../store/postgres/postgres-store.ts'));
    assert.ok(await refused('graphql/x.ts', '../payments/payment-rules.ts'));
    assert.ok(await refused('graphql/x.ts', '../http/tenant-rate-limit.ts'));
    assert.equal(await refused('graphql/x.ts', '../http/caller-authentication.ts'), false);
  });

  it('the payment rules never touch a transport or an engine', async () => {
    assert.ok(await refused('payments/x.ts', '../http/caller-authentication.ts'));
    assert.ok(await refused('payments/x.ts', '../store/open-store.ts'));
    assert.equal(await refused('payments/x.ts', '../model/store.ts'), false);
  });

  it('no room imports the wiring; a spec, which starts the whole service, may', async () => {
    assert.ok(await refused('graphql/x.ts', '../app.ts'));
    assert.ok(await refused('store/postgres/x.ts', '../../config.ts'));
    assert.equal(await refused('graphql/x.spec.ts', '../app.ts'), false);
  });
});

test("a shell feature may not import the shell's app/, and lib/ may not import app/ or a feature", async () => {
  const feature = await ruleIds(
    'apps/shell/src/features/home/x.tsx',
    "import { AppRoutes } from '../../app/routes.tsx';\nvoid AppRoutes;\n",
  );
  assert.ok(feature.includes('import-x/no-restricted-paths'), feature.join());
  const lib = await ruleIds(
    'apps/shell/src/lib/x.ts',
    "import { HomePage } from '../features/home/home-page.tsx';\nvoid HomePage;\n",
  );
  assert.ok(lib.includes('import-x/no-restricted-paths'), lib.join());
  const shared = await ruleIds(
    'apps/shell/src/features/home/x.tsx',
    "import { useShell } from '../../lib/shell-context.tsx';\nvoid useShell;\n",
  );
  assert.deepEqual(shared, []);
});
