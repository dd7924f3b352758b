import { tokens, type ColorScheme } from './tokens.ts';

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

// Material 3 system colours that have a token of their own; the rest come from the base palette
// passed to `mat.theme` (the shadow root's closest Material palette).
const SYSTEM_COLORS: Record<string, keyof ColorScheme> = {
  primary: 'primary',
  'on-primary': 'onPrimary',
  'primary-container': 'primaryContainer',
  'on-primary-container': 'onPrimaryContainer',
  secondary: 'secondary',
  'on-secondary': 'onSecondary',
  surface: 'surface',
  background: 'surface',
  'on-surface': 'onSurface',
  'on-background': 'onSurface',
  'surface-variant': 'surfaceVariant',
  'on-surface-variant': 'onSurfaceVariant',
  'surface-container': 'surfaceContainer',
  outline: 'outline',
  error: 'error',
  'on-error': 'onError',
  'error-container': 'errorContainer',
  'on-error-container': 'onErrorContainer',
};

const both = (name: keyof ColorScheme): string =>
  `light-dark(${tokens.color.light[name]}, ${tokens.color.dark[name]})`;

/**
 * The Angular Material 3 theme of the Angular elements as SCSS: font families and density for
 * `mat.theme`, and a mixin `host-variables` that sets the `--atrium-*` tokens and overrides the
 * `--mat-sys-*` system variables with them. Colours use `light-dark()`, so they follow the
 * `color-scheme` the element's shadow host sets (its own `data-color-scheme` or the user's preference).
 */
export function materialThemeScss(): string {
  const t = tokens.typography;
  const lines = [
    '// Generated from @atrium/design-tokens: do not edit.',
    `$plain-family: ${t.fontFamily};`,
    `$brand-family: ${t.fontFamily};`,
    `$density: ${tokens.density};`,
    '',
    '@mixin host-variables {',
    ...Object.keys(tokens.color.light).map(
      (name) => `  --atrium-color-${kebab(name)}: ${both(name as keyof ColorScheme)};`,
    ),
    `  --atrium-font-family: ${t.fontFamily};`,
    `  --atrium-font-mono: ${t.monoFamily};`,
    `  --atrium-line-height: ${t.lineHeight};`,
    ...Object.entries(t.scale).map(([k, v]) => `  --atrium-font-size-${k}: ${v};`),
    ...Object.entries(t.weight).map(([k, v]) => `  --atrium-font-weight-${k}: ${v};`),
    ...Object.entries(tokens.spacing).map(([k, v]) => `  --atrium-space-${k}: ${v};`),
    ...Object.entries(tokens.shape).map(([k, v]) => `  --atrium-shape-${kebab(k)}: ${v};`),
    ...Object.entries(tokens.elevation).map(([k, v]) => `  --atrium-elevation-${kebab(k)}: ${v};`),
    ...Object.entries(SYSTEM_COLORS).map(([sys, token]) => `  --mat-sys-${sys}: ${both(token)};`),
    `  --mat-sys-corner-extra-small: ${tokens.shape.cornerSmall};`,
    `  --mat-sys-corner-small: ${tokens.shape.cornerSmall};`,
    `  --mat-sys-corner-medium: ${tokens.shape.cornerMedium};`,
    `  --mat-sys-corner-large: ${tokens.shape.cornerLarge};`,
    `  --mat-sys-corner-full: ${tokens.shape.cornerFull};`,
    '}',
    '',
  ];
  return lines.join('\n');
}
