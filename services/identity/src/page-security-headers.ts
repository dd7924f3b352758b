import type { IdentityConfig } from './config.ts';

/**
 * The headers of every HTML page the identity service answers: the login pages it renders itself
 * and the pages oidc-provider renders (sign-out, errors, form_post), so none can be framed,
 * sniffed or made to load anything but the login stylesheet.
 */
export function pageSecurityHeaders(config: IdentityConfig): Readonly<Record<string, string>> {
  // The sign-in form posts to this service; the provider's form_post answers and the sign-out
  // confirmation post or redirect on to the shell.
  const formOrigins = [
    ...new Set(
      [...config.shellRedirectUris, ...config.shellPostLogoutRedirectUris].map((uri) => new URL(uri).origin),
    ),
  ].join(' ');
  return {
    // An empty script-src allows no script, and lets oidc-provider add the hash of the one
    // auto-submit script it writes (form_post, sign-out without a session): it appends to an
    // existing script-src only, and without it those pages would stall on a blank screen.
    'content-security-policy': `default-src 'none'; script-src; style-src 'self'; img-src 'self'; form-action 'self' ${formOrigins}; frame-ancestors 'none'; base-uri 'none'`,
    'x-content-type-options': 'nosniff',
    // same-origin, not no-referrer: with no-referrer Chromium posts the login form with `Origin: null`.
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
    ...(config.issuer.startsWith('https://') ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}
