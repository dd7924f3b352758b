// One flat config for the whole workspace. The import boundaries below are the
// architecture of STYLE.md: never loosen them to make a change pass.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const apps = ['shell', 'accounts', 'payments'];

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
            // Services never import apps. (design-tokens is framework-free data: the login page uses it.)
            { target: './services', from: ['./apps'], message: 'Services never import apps.' },
            // The element kit is Angular UI code for the micro-frontends, never for a service.
            {
              target: './services',
              from: ['./packages/element-kit'],
              message: 'Services never import UI packages.',
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
