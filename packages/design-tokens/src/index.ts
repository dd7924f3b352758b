export { tokens, type Tokens, type ColorScheme } from './tokens.ts';
export { tokensCss } from './css.ts';
export { brandMarkSvg } from './brand-mark.ts';
