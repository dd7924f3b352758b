import { tokens, type ColorScheme } from './tokens.ts';

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function colorVariables(scheme: ColorScheme): string {
  return Object.entries(scheme)
    .map(([name, value]) => `  --atrium-color-${kebab(name)}: ${value};`)
    .join('\n');
}

function scalarVariables(): string {
  const t = tokens.typography;
  const lines = [
    `  --atrium-font-family: ${t.fontFamily};`,
    `  --atrium-font-mono: ${t.monoFamily};`,
    `  --atrium-font-size-base: ${t.baseSize};`,
    `  --atrium-line-height: ${t.lineHeight};`,
    ...Object.entries(t.scale).map(([k, v]) => `  --atrium-font-size-${k}: ${v};`),
    ...Object.entries(t.weight).map(([k, v]) => `  --atrium-font-weight-${k}: ${v};`),
    ...Object.entries(tokens.spacing).map(([k, v]) => `  --atrium-space-${k}: ${v};`),
    ...Object.entries(tokens.shape).map(([k, v]) => `  --atrium-shape-${kebab(k)}: ${v};`),
    ...Object.entries(tokens.elevation).map(([k, v]) => `  --atrium-elevation-${kebab(k)}: ${v};`),
  ];
  return lines.join('\n');
}

/**
 * The tokens as CSS custom properties on `selector` (`:root` for a page, `:host` inside a
 * shadow root), light by default and dark when the user prefers it or `data-color-scheme="dark"`
 * is set on the root element.
 */
export function tokensCss(selector = ':root'): string {
  return `/* Generated from @atrium/design-tokens: do not edit. */
${selector} {
  color-scheme: light dark;
${scalarVariables()}
${colorVariables(tokens.color.light)}
}
@media (prefers-color-scheme: dark) {
  ${selector}:not([data-color-scheme='light']) {
${colorVariables(tokens.color.dark).replace(/^/gm, '  ')}
  }
}
${selector}[data-color-scheme='dark'] {
${colorVariables(tokens.color.dark)}
}
`;
}
