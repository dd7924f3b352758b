/**
 * The languages Atrium's screens have labels in. A locale is offered only when its label catalogue
 * is complete: numbers and dates follow the locale of the labels, never the browser's on its own
 * (a Danish browser showed "125,50 kr." beside English labels).
 */
export const LABEL_LANGUAGES = ['en', 'da'] as const;

export type LabelLanguage = (typeof LABEL_LANGUAGES)[number];

/**
 * The locales a user prefers, best first: their own choice (the OIDC `locale` claim, in
 * `ContextUser.locale`) before the browser's (`navigator.languages`).
 */
export function preferredLocales(userLocale: string | undefined, browser: readonly string[]): string[] {
  return userLocale === undefined ? [...browser] : [userLocale, ...browser];
}

/**
 * The user's one locale for labels, numbers and dates: the first of their preferred locales
 * (`navigator.languages`) whose language has labels, kept with its region ("en-GB" shows British
 * dates with English labels); otherwise English. The shell and every element pick it with this
 * function from the same list, so a page never mixes two.
 */
export function pickLocale(
  preferred: readonly string[],
  languages: readonly string[] = LABEL_LANGUAGES,
): string {
  for (const tag of preferred) {
    let canonical: string;
    try {
      canonical = Intl.getCanonicalLocales(tag)[0] ?? '';
    } catch {
      continue; // not a well-formed language tag
    }
    if (languages.includes(new Intl.Locale(canonical).language)) return canonical;
  }
  return languages[0] ?? 'en';
}
