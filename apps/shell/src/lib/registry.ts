import { registryProblems, type Registry, type RegistryEntry } from '@atrium/contracts';
import { REGISTRY_URL } from '../config/runtime-config.ts';

/** Fetches `/registry.json` (revalidated every time: the host answers 304 when nothing changed). */
export async function fetchRegistry(fetchImpl: typeof fetch = fetch): Promise<Registry> {
  // Plain GET, so the first one takes the response index.html preloads; the host answers
  // `no-cache` with an ETag, so every later one (Retry) is revalidated.
  const response = await fetchImpl(REGISTRY_URL);
  if (!response.ok) throw new Error(`${REGISTRY_URL} answered ${response.status}`);
  const value: unknown = await response.json();
  const problems = registryProblems(value);
  if (problems.length > 0) throw new Error(`${REGISTRY_URL} is invalid: ${problems.join('; ')}`);
  return value as Registry;
}

/** The registry entries this user may open: a tenant is required, and the entry's roles if it names any. */
export function visibleEntries(
  registry: Registry,
  roles: readonly string[],
  hasTenant: boolean,
): readonly RegistryEntry[] {
  if (!hasTenant) return [];
  return registry.microFrontends.filter(
    (entry) => entry.roles.length === 0 || entry.roles.some((role) => roles.includes(role)),
  );
}
