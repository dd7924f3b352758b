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
}

const TAG = /^[a-z][a-z0-9]*-[a-z0-9-]+$/;
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
  });
  return problems;
}
