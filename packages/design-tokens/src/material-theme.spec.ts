import { test } from 'node:test';
import assert from 'node:assert/strict';
import { materialThemeScss } from './material-theme.ts';
import { tokens } from './tokens.ts';

test('Material system colours come from the tokens, light and dark', () => {
  const scss = materialThemeScss();
  assert.ok(
    scss.includes(
      `--mat-sys-primary: light-dark(${tokens.color.light.primary}, ${tokens.color.dark.primary});`,
    ),
  );
  assert.ok(
    scss.includes(
      `--atrium-color-on-surface: light-dark(${tokens.color.light.onSurface}, ${tokens.color.dark.onSurface});`,
    ),
  );
  assert.match(scss, /^\$plain-family: system-ui/m);
  assert.match(scss, /^@mixin host-variables \{$/m);
});
