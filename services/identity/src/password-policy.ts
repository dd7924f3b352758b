/**
 * The password policy (NIST SP 800-63B): length matters, composition rules do not. At least 12
 * characters, at most 256, not a known-common password, not the username.
 */
export const PASSWORD_POLICY = 'at least 12 characters, not a common password, and not the username';

const COMMON = new Set([
  'password1234',
  'passwordpassword',
  '123456789012',
  'qwertyuiopas',
  'letmeinletmein',
  'administrator',
  'iloveyou1234',
  'welcome12345',
  'changeme1234',
  'abc123abc123',
]);

/** Returns why `password` is refused, or undefined when it meets the policy. */
export function passwordProblem(password: string, username: string): string | undefined {
  if (typeof password !== 'string' || password.length < 12) return 'must be at least 12 characters';
  if (password.length > 256) return 'must be at most 256 characters';
  if (COMMON.has(password.toLowerCase())) return 'is a commonly used password';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'must not contain the username';
  if (new Set(password).size < 4) return 'must not repeat the same few characters';
  return undefined;
}
