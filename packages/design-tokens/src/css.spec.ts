import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokensCss } from './css.ts';
import { tokens } from './tokens.ts';

test('every colour of both schemes becomes a custom property', () => {
  const css = tokensCss();
  for (const [name, value] of Object.entries(tokens.color.light)) {
    const prop = `--atrium-color-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    assert.match(css, new RegExp(`${prop}: ${value};`));
  }
  assert.match(css, new RegExp(`--atrium-color-primary: ${tokens.color.dark.primary};`));
});

test('the selector is configurable for shadow roots', () => {
  assert.match(tokensCss(':host'), /^:host \{/m);
});

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

test('text colour pairs meet WCAG AA contrast (4.5:1) in both schemes', () => {
  for (const scheme of [tokens.color.light, tokens.color.dark]) {
    const pairs: Array<[string, string]> = [
      [scheme.primary, scheme.onPrimary],
      [scheme.surface, scheme.onSurface],
      [scheme.surfaceVariant, scheme.onSurfaceVariant],
      [scheme.error, scheme.onError],
      [scheme.errorContainer, scheme.onErrorContainer],
      [scheme.primaryContainer, scheme.onPrimaryContainer],
      [scheme.success, scheme.onSuccess],
      [scheme.surface, scheme.error],
    ];
    for (const [bg, fg] of pairs) {
      const [hi, lo] = [luminance(bg), luminance(fg)].sort((a, b) => b - a) as [number, number];
      const ratio = (hi + 0.05) / (lo + 0.05);
      assert.ok(ratio >= 4.5, `${fg} on ${bg} has contrast ${ratio.toFixed(2)}`);
    }
  }
});
