/**
 * One app's labels: English, the reference (its keys are the app's message keys), and every other
 * label language keyed the same. A label may name parameters as `{name}`.
 */
export interface LabelCatalogue<Key extends string> {
  readonly en: { readonly [K in Key]: string };
  readonly da: { readonly [K in Key]?: string };
}

/** The languages every catalogue holds; a language is offered (LABEL_LANGUAGES) once they are complete. */
export const CATALOGUE_LANGUAGES = ['en', 'da'] as const;

/** Looks one label up in the page's language, with its `{name}` parameters filled in. */
export type Labels<Key extends string> = (
  key: Key,
  parameters?: Readonly<Record<string, string | number>>,
) => string;

type CatalogueLanguage = (typeof CATALOGUE_LANGUAGES)[number];

/**
 * The catalogue language of a locale ('da-DK' → 'da'); English otherwise. Which languages a user
 * is offered at all is `pickLocale`'s choice (LABEL_LANGUAGES).
 */
export function labelLanguage(locale: string): CatalogueLanguage {
  let language: string;
  try {
    language = new Intl.Locale(locale).language;
  } catch {
    return 'en';
  }
  return (CATALOGUE_LANGUAGES as readonly string[]).includes(language)
    ? (language as CatalogueLanguage)
    : 'en';
}

/**
 * The lookup for one locale. A key its language lacks falls back to English, so a label added in
 * English only shows in English until translated (the completeness test names it meanwhile).
 */
export function labelsFor<Key extends string>(catalogue: LabelCatalogue<Key>, locale: string): Labels<Key> {
  const chosen: { readonly [K in Key]?: string } = catalogue[labelLanguage(locale)];
  return (key, parameters) => {
    const text = chosen[key] ?? catalogue.en[key];
    if (parameters === undefined) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in parameters ? String(parameters[name]) : whole,
    );
  };
}

/**
 * What a catalogue is missing: each key without a label in some language, and each label whose
 * `{parameters}` differ from the English one's (a translation that drops `{to}` would hide it).
 * Every app's catalogue test asserts this is empty.
 */
export function missingLabels<Key extends string>(catalogue: LabelCatalogue<Key>): string[] {
  const problems: string[] = [];
  const parametersOf = (text: string): string =>
    [...text.matchAll(/\{(\w+)\}/g)]
      .map((m) => m[1])
      .sort()
      .join(',');
  for (const key of Object.keys(catalogue.en) as Key[]) {
    for (const language of CATALOGUE_LANGUAGES) {
      const text = (catalogue[language] as { readonly [K in Key]?: string })[key];
      if (text === undefined || text.trim() === '') problems.push(`${language}: ${key} has no label`);
      else if (parametersOf(text) !== parametersOf(catalogue.en[key]))
        problems.push(
          `${language}: ${key} has parameters {${parametersOf(text)}}, English {${parametersOf(catalogue.en[key])}}`,
        );
    }
  }
  for (const key of Object.keys(catalogue.da))
    if (!(key in catalogue.en)) problems.push(`da: ${key} is not an English key`);
  return problems;
}
