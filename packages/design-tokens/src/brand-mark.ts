import { tokens } from './tokens.ts';

/** Atrium's mark as an SVG icon (the favicon of the shell and of the login pages), in the tokens' primary colours. */
export function brandMarkSvg(): string {
  const { primary, onPrimary } = tokens.color.light;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="${primary}"/><path d="M9 24 16 7l7 17h-4l-3-8-3 8z" fill="${onPrimary}"/></svg>\n`;
}
