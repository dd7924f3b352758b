// One flat config for the whole workspace. The import boundaries below are the
// architecture of STYLE.md: never loosen them to make a change pass.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const apps = ['shell', 'accounts', 'payments'];
const paymentsApi = './services/payments-api/src';

// Flat config replaces a rule's options per block, so every block that sets no-restricted-imports
// carries these: without them a service could reach into another service's source unseen.
const crossWorkspaceImports = {
  regex: '^(\\.\\./)+(apps|services)/',
  message: 'Cross-workspace imports go through the package name.',
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.angular/**',
      '.atrium/**',
      'bench/results/**',
      'test-results/**',
      // Written by builds from a schema (apps/payments/scripts/generate-api.ts), not by hand.
      '**/*.generated.ts',
    ],
  },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use a union of string literals: enums are not erasable syntax.',
        },
      ],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // Apps never import other apps.
            ...apps.map((app) => ({
              target: `./apps/${app}`,
              from: apps.filter((other) => other !== app).map((other) => `./apps/${other}`),
              message: 'Apps never import other apps: share through packages/contracts.',
            })),
            // The shell's layers (bulletproof-react): features never import app/ (routes, providers),
            // and lib/ (the shell's context among it) imports neither; what they share lives in lib/.
            {
              target: './apps/shell/src/features',
              from: './apps/shell/src/app',
              message: 'Shell features never import app/: share through lib/ (e.g. lib/shell-context.tsx).',
            },
            {
              target: './apps/shell/src/lib',
              from: ['./apps/shell/src/app', './apps/shell/src/features'],
              message: "The shell's lib/ never imports app/ or features/.",
            },
            // Services never import apps. (design-tokens is framework-free data: the login page uses it.)
            { target: './services', from: ['./apps'], message: 'Services never import apps.' },
            // The element kit is Angular UI code for the micro-frontends, never for a service.
            {
              target: './services',
              from: ['./packages/element-kit'],
              message: 'Services never import UI packages.',
            },
            // The rooms of payments-api (its README): the model is the core and knows no transport
            // or engine; a store adapter implements the model's port; HTTP concerns never reach a
            // store; the generic GraphQL layer knows no engine or payment rule (Payment plugs in
            // through the ModelBehaviour hook); the payment rules never touch a transport or an
            // engine. app.ts wires them together, and no room imports the wiring (specs may: they
            // start the whole service).
            {
              target: `${paymentsApi}/{http,graphql,model,store,payments}/**/!(*.spec).ts`,
              from: ['app.ts', 'config.ts', 'server.ts', 'cli.ts'].map((file) => `${paymentsApi}/${file}`),
              message: 'payments-api: a room never imports the wiring (app, config, server, cli).',
            },
            {
              target: `${paymentsApi}/model`,
              from: [
                `${paymentsApi}/http`,
                `${paymentsApi}/graphql`,
                `${paymentsApi}/store`,
                `${paymentsApi}/payments`,
              ],
              message: 'payments-api: the model imports no other room (only errors.ts).',
            },
            {
              target: `${paymentsApi}/store`,
              from: [`${paymentsApi}/http`, `${paymentsApi}/graphql`, `${paymentsApi}/payments`],
              message: 'payments-api: a store adapter imports the model only.',
            },
            {
              target: `${paymentsApi}/http`,
              from: [`${paymentsApi}/store`, `${paymentsApi}/payments`],
              message: 'payments-api: HTTP concerns never reach a store or the payment rules.',
            },
            {
              target: `${paymentsApi}/graphql`,
              from: [`${paymentsApi}/store`, `${paymentsApi}/payments`],
              message: 'payments-api: the generic GraphQL layer knows no engine or model-specific rule.',
            },
            // graphql-ws authenticates its connections with the same functions as HTTP requests, and
            // the endpoint runs the route's checks (the RouteCheck type and their runner) in its hook.
            {
              target: `${paymentsApi}/graphql`,
              from: `${paymentsApi}/http`,
              except: ['./caller-authentication.ts', './route-checks.ts'],
              message:
                'payments-api: the GraphQL layer uses only the caller authentication and route checks of http/.',
            },
            {
              target: `${paymentsApi}/payments`,
              from: [`${paymentsApi}/http`, `${paymentsApi}/store`],
              message: 'payments-api: the payment rules reach a store through the model service only.',
            },
            // Packages never import apps or services.
            {
              target: './packages',
              from: ['./apps', './services'],
              message: 'Packages never import apps or services.',
            },
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@atrium/shell', '@atrium/accounts', '@atrium/payments'],
              message: 'Apps are not libraries.',
            },
            crossWorkspaceImports,
            {
              // A snackbar of an element's own overlapped the shell's notification area.
              group: ['@angular/material/snack-bar'],
              message:
                "Elements notify through the shell (ElementHost.notify, the contract's atrium:notify): one stack of notifications.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@atrium/shell', '@atrium/accounts', '@atrium/payments'],
              message: 'Services never import apps.',
            },
            {
              group: ['@atrium/element-kit', '@atrium/element-kit/*'],
              message: 'Services never import UI packages.',
            },
            crossWorkspaceImports,
          ],
        },
      ],
    },
  },
);
