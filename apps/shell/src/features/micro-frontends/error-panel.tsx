import { label } from '../../lib/shell-labels.ts';

/**
 * Shown in place of one micro-frontend that cannot be shown; the rest of the shell keeps working.
 * `reload`: the page holds another version of the element, which only a page load can replace, so
 * Retry could not help.
 */
export function ErrorPanel({
  title,
  message,
  onRetry,
  busy,
  action = 'retry',
}: {
  title: string;
  message: string;
  onRetry: () => void;
  busy: boolean;
  action?: 'retry' | 'reload';
}) {
  return (
    <section className="error-panel" role="alert" aria-labelledby="mfe-error-title">
      <h1 id="mfe-error-title">{label('unavailable', { title })}</h1>
      <p>{message}</p>
      {action === 'retry' ? (
        <button type="button" className="primary" onClick={onRetry} disabled={busy}>
          {label('retry')}
        </button>
      ) : (
        <button type="button" className="primary" onClick={() => window.location.reload()}>
          {label('reload')}
        </button>
      )}
    </section>
  );
}
