import { AccountsError } from './errors.ts';

/** What `If-Match` asks for: any current version (`*`) or one of the listed versions. */
export type Precondition = '*' | readonly number[];

/** The strong ETag of an account version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Parses `If-Match`. Missing is 428: an unconditional write would silently overwrite a colleague's
 * change. Weak tags never match (RFC 9110 uses strong comparison for If-Match), so they yield 412.
 */
export function preconditionOf(header: string | undefined): Precondition {
  if (header === undefined || header.trim() === '') throw new AccountsError('precondition_required');
  if (header.trim() === '*') return '*';
  const versions: number[] = [];
  for (const tag of header.split(',')) {
    const match = /^"([1-9][0-9]{0,9})"$/.exec(tag.trim());
    if (match !== null) versions.push(Number(match[1]));
  }
  return versions;
}

/** True when `version` satisfies the precondition. */
export function preconditionHolds(precondition: Precondition, version: number): boolean {
  return precondition === '*' || precondition.includes(version);
}
