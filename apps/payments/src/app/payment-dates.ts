// Dates as the payments screens show them, in the page's locale (ElementHost.locale). One formatter
// per locale and kind, made once: building an Intl.DateTimeFormat costs far more than formatting,
// and the table formats every row on every change detection (it was the element's top function in
// a 4x-throttled profile).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(kind: 'day' | 'moment', locale: string): Intl.DateTimeFormat {
  const key = `${kind}|${locale}`;
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(
      locale,
      kind === 'day' ? { dateStyle: 'medium', timeZone: 'UTC' } : { dateStyle: 'medium', timeStyle: 'short' },
    );
    formatters.set(key, format);
  }
  return format;
}

/** A due date is a calendar day (stored as UTC midnight): shown as that day wherever the user is. */
export function formatDueDate(iso: string, locale: string): string {
  return formatter('day', locale).format(new Date(iso));
}

/** A moment (created, confirmed, an audit entry) in the user's own time zone. */
export function formatTimestamp(iso: string, locale: string): string {
  return formatter('moment', locale).format(new Date(iso));
}
