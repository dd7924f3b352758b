/**
 * The run-time registry document served at `/registry.json`: the shell learns every
 * micro-frontend's location from it, never from its own build.
 */
export interface Registry {
  readonly schemaVersion: 1;
  readonly microFrontends: readonly RegistryEntry[];
}

export interface RegistryEntry {
  /** Stable name, e.g. `payments`. */
  readonly name: string;
  /** Human label for navigation, e.g. `Payments`. */
  readonly title: string;
  /** The title in other languages, by language subtag (`{ da: 'Betalinger' }`); see `titleIn`. */
  readonly titles?: Readonly<Record<string, string>>;
  /** Shell route the element is mounted under, e.g. `/payments`. */
  readonly route: string;
  /** Custom element tag, e.g. `atrium-payments`. */
  readonly element: string;
  /** Absolute or root-relative URL of the ES module that defines the element. */
  readonly entry: string;
  /** Stylesheets the element needs, loaded into its own shadow root (may be empty). */
  readonly styles: readonly RegistryAsset[];
  /** Subresource integrity of the entry, e.g. `sha384-…`. */
  readonly integrity: string;
  /** Published version (immutable), e.g. `1.4.0+3f9a2c1`. */
  readonly version: string;
  /** Roles that may open it; empty = any signed-in user of a tenant. */
  readonly roles: readonly string[];
  /** Position in the navigation, lower first (ties by title); absent = after every ordered entry. */
  readonly order?: number;
  /** Navigation group label, e.g. `Finance`; absent = the ungrouped top of the navigation. */
  readonly group?: string;
  /** URL of the navigation icon (a file of the published version). */
  readonly icon?: string;
  /**
   * The APIs the element calls, by name, as absolute URLs: they reach the element as
   * `ElementContext.api[name]`, and their origins join the shell's `connect-src`.
   */
  readonly api?: Readonly<Record<string, string>>;
}

export interface RegistryAsset {
  readonly url: string;
  readonly integrity: string;
}

/**
 * What a micro-frontend build emits beside its content-hashed files (`atrium-manifest.json`);
 * publishing turns it into a registry entry.
 */
export interface BuildManifest {
  readonly name: string;
  readonly title: string;
  /** The title in other languages, by language subtag. */
  readonly titles?: Readonly<Record<string, string>>;
  readonly route: string;
  readonly element: string;
  readonly version: string;
  /** File name of the entry module, relative to the build folder. */
  readonly entry: string;
  /** Stylesheets relative to the build folder. */
  readonly styles: readonly string[];
  /** Every file of the build, relative to the build folder. */
  readonly files: readonly string[];
  readonly roles: readonly string[];
  /** Navigation position, lower first. */
  readonly order?: number;
  /** Navigation group label. */
  readonly group?: string;
  /** The navigation icon: one of `files` (an SVG or PNG). */
  readonly icon?: string;
  /** APIs the element calls, by name: absolute http(s)/ws(s) URLs. */
  readonly api?: Readonly<Record<string, string>>;
}

/**
 * Top-level paths that belong to the shell or to the services beside it: no micro-frontend may be
 * published under them (an entry at `/admin` would replace Administration).
 */
export const RESERVED_ROUTES: readonly string[] = [
  '/admin',
  '/callback',
  '/silent-callback',
  '/assets',
  '/mfe',
  '/auth',
  '/graphql',
  '/api',
  '/healthz',
  '/readyz',
  '/config',
  '/registry',
  '/dev',
];

/** True when `value` is an absolute http(s) or ws(s) URL (an API an element may call). */
export function isApiUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:', 'ws:', 'wss:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Problems of the optional navigation and API fields shared by the manifest and the registry entry. */
export function presentationProblems(
  value: { order?: unknown; group?: unknown; api?: unknown; titles?: unknown },
  at: string,
): string[] {
  const problems: string[] = [];
  if (value.titles !== undefined) {
    const titles = value.titles;
    if (
      typeof titles !== 'object' ||
      titles === null ||
      Array.isArray(titles) ||
      !Object.entries(titles).every(
        ([language, title]) =>
          LANGUAGE.test(language) && typeof title === 'string' && title.trim() !== '' && title.length <= 60,
      )
    )
      problems.push(`${at}titles: language subtags (like da) to titles of 1 to 60 characters`);
  }
  if (
    value.order !== undefined &&
    !(Number.isInteger(value.order) && Math.abs(value.order as number) <= 10_000)
  )
    problems.push(`${at}order: an integer between -10000 and 10000`);
  if (value.group !== undefined && (typeof value.group !== 'string' || value.group.length > 40))
    problems.push(`${at}group: a label of at most 40 characters`);
  if (value.api !== undefined) {
    const api = value.api;
    if (
      typeof api !== 'object' ||
      api === null ||
      Array.isArray(api) ||
      !Object.entries(api).every(([key, url]) => /^[a-zA-Z][a-zA-Z0-9]{0,39}$/.test(key) && isApiUrl(url))
    )
      problems.push(`${at}api: names (letters, digits) to absolute http(s)/ws(s) URLs`);
  }
  return problems;
}

const TAG = /^[a-z][a-z0-9]*-[a-z0-9-]+$/;
const LANGUAGE = /^[a-z]{2,3}$/;

/**
 * A registry entry's title in `locale` (a BCP 47 tag such as `da-DK`): its title for that language
 * when the team gave one, else its `title`. The navigation then speaks the page's language.
 */
export function titleIn(entry: Pick<RegistryEntry, 'title' | 'titles'>, locale: string): string {
  const language = locale.split('-')[0]?.toLowerCase() ?? '';
  return entry.titles?.[language] ?? entry.title;
}
const ROUTE = /^\/[a-z0-9-]+$/;
const SRI = /^sha(256|384|512)-[A-Za-z0-9+/]+=*$/;

/** Checks a parsed registry document; returns the problems found (empty when valid). */
export function registryProblems(value: unknown): string[] {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null) return ['registry: not an object'];
  const doc = value as Partial<Registry>;
  if (doc.schemaVersion !== 1) problems.push('schemaVersion: must be 1');
  if (!Array.isArray(doc.microFrontends)) return [...problems, 'microFrontends: must be an array'];
  const seen = new Set<string>();
  doc.microFrontends.forEach((entry: Partial<RegistryEntry>, i) => {
    const at = `microFrontends[${i}]`;
    if (typeof entry.name !== 'string' || entry.name === '') problems.push(`${at}.name: required`);
    else if (seen.has(entry.name)) problems.push(`${at}.name: duplicate "${entry.name}"`);
    else seen.add(entry.name);
    if (typeof entry.title !== 'string' || entry.title === '') problems.push(`${at}.title: required`);
    if (typeof entry.route !== 'string' || !ROUTE.test(entry.route))
      problems.push(`${at}.route: like /payments`);
    if (typeof entry.element !== 'string' || !TAG.test(entry.element))
      problems.push(`${at}.element: a custom element name with a hyphen`);
    if (typeof entry.entry !== 'string' || entry.entry === '') problems.push(`${at}.entry: required`);
    if (typeof entry.integrity !== 'string' || !SRI.test(entry.integrity))
      problems.push(`${at}.integrity: a sha256/384/512 SRI hash`);
    if (typeof entry.version !== 'string' || entry.version === '') problems.push(`${at}.version: required`);
    if (!Array.isArray(entry.styles)) problems.push(`${at}.styles: must be an array`);
    if (!Array.isArray(entry.roles)) problems.push(`${at}.roles: must be an array`);
    if (entry.icon !== undefined && (typeof entry.icon !== 'string' || entry.icon === ''))
      problems.push(`${at}.icon: a URL`);
    problems.push(...presentationProblems(entry, `${at}.`));
  });
  return problems;
}
