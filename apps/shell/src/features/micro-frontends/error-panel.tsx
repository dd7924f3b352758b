/** Shown in place of one micro-frontend that cannot be shown; the rest of the shell keeps working. */
export function ErrorPanel({
  title,
  message,
  onRetry,
  busy,
}: {
  title: string;
  message: string;
  onRetry: () => void;
  busy: boolean;
}) {
  return (
    <section className="error-panel" role="alert" aria-labelledby="mfe-error-title">
      <h1 id="mfe-error-title">{title} is unavailable</h1>
      <p>{message}</p>
      <button type="button" className="primary" onClick={onRetry} disabled={busy}>
        Retry
      </button>
    </section>
  );
}
