// The import boundaries of STYLE.md are architecture: this proves the lint rule still bites.
import { test } from 'node:test';
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
