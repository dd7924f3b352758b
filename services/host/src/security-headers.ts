/** What the Content-Security-Policy has to let through, all derived from the deployment's configuration. */
export interface CspSources {
  /** Origins serving micro-frontend files (the split topology puts each on its own origin). */
  readonly mfeOrigins: readonly string[];
  /** API URLs the shell and elements call (HTTP and WebSocket), and the OIDC issuer. */
  readonly connect: readonly string[];
  /** The OIDC issuer: the login form posts there and sign-out navigates there. */
  readonly issuer: string | undefined;
  /** Who may frame the pages; empty = nobody. */
  readonly frameAncestors: readonly string[];
}

/** The shell's landing page for a silent sign-in: the one page its own origin may frame (ADR 0405). */
export const SILENT_CALLBACK_PATH = '/silent-callback.html';

/** `scheme://host:port` of a URL, or undefined for a relative or bad URL. */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? undefined : parsed.origin;
  } catch {
    return undefined;
  }
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
}

/**
 * The policy: scripts only from this origin and the registered micro-frontend origins — no inline
 * script, no eval. Styles allow inline because Angular and Material add `<style>` elements at run
 * time; a style cannot run code, so the script rules stay strict.
 */
export function contentSecurityPolicy(sources: CspSources): string {
  const mfe = unique(sources.mfeOrigins.map(originOf));
  const connect = unique(sources.connect.map(originOf));
  const issuer = sources.issuer === undefined ? undefined : originOf(sources.issuer);
  const ancestors = sources.frameAncestors.length === 0 ? ["'none'"] : unique(sources.frameAncestors);
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", ...mfe]],
    ['style-src', ["'self'", "'unsafe-inline'", ...mfe]],
    ['img-src', ["'self'", 'data:', ...mfe]],
    ['font-src', ["'self'", 'data:', ...mfe]],
    ['connect-src', ["'self'", ...unique([...connect, issuer, ...mfe])]],
    ['worker-src', ["'self'"]],
    // The silent sign-in's hidden iframe: the issuer's authorize endpoint, then our callback page.
    ['frame-src', ["'self'", ...unique([issuer])]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'self'", ...unique([issuer])]],
    ['frame-ancestors', ancestors],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/**
 * The headers of the silent sign-in's landing page: framed by this origin only (besides any
 * configured ancestors), so the shell's hidden iframe can show it and nobody else can.
 */
export function silentCallbackHeaders(sources: CspSources): Record<string, string> {
  const csp = contentSecurityPolicy({ ...sources, frameAncestors: ["'self'", ...sources.frameAncestors] });
  return { ...securityHeaders(csp), 'x-frame-options': 'SAMEORIGIN' };
}

/** HSTS: `auto` sends it on requests that arrived over HTTPS, `always` on every response. */
export type HstsMode = 'auto' | 'always' | 'off';

export const HSTS_VALUE = 'max-age=63072000; includeSubDomains';

/** The headers every response of the host carries, apart from HSTS (which depends on the request). */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
}
