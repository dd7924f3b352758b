import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import type { ElementContext } from '@atrium/contracts';
import { ElementLoadError } from '../../lib/element-loader.ts';
import { DEV_OVERRIDE_VERSION } from '../../lib/dev-overrides.ts';
import { useShell } from '../../lib/shell-context.tsx';
import { ElementHost } from './element-host.tsx';
import { ErrorPanel } from './error-panel.tsx';
import { label } from '../../lib/shell-labels.ts';

type Status =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly message: string };
const LOADING: Status = { kind: 'loading' };
const READY: Status = { kind: 'ready' };

/** The path below `basePath` (with query and fragment) the address bar shows: '' for the root. */
export function subPathOf(basePath: string, pathname: string, search: string, hash: string): string {
  const rest = pathname.slice(basePath.length);
  return `${rest === '/' ? '' : rest}${search}${hash}`;
}

/**
 * One micro-frontend's route: loads its entry the first time the route is visited, mounts the
 * element with the shell's context, and shows an error panel with Retry (in this route only)
 * when the entry is missing, fails integrity, times out or throws.
 */
export function MicroFrontendRoute({ name }: { name: string }) {
  const shell = useShell();
  const { session, config, loader, elementTimeoutMs, reloadRegistry, notify, colorScheme } = shell;
  const entry = shell.registry?.microFrontends.find((candidate) => candidate.name === name);
  const location = useLocation();
  const navigate = useNavigate();
  const [attempt, setAttempt] = useState(0);
  // An element already defined (preloaded during sign-in, or a route visited before) shows at once,
  // in this first render, instead of one loading render later.
  const [status, setStatus] = useState<Status>(() =>
    entry !== undefined && customElements.get(entry.element) !== undefined ? READY : LOADING,
  );
  const subPath =
    entry === undefined ? '' : subPathOf(entry.route, location.pathname, location.search, location.hash);
  // The deep link the route was opened with; later moves reach the element as route-change events.
  const [initialPath] = useState(subPath);

  // Reload only when the entry's code changes, not when the registry document is merely re-read.
  const entryRef = useRef(entry);
  entryRef.current = entry;
  const entryKey = entry === undefined ? '' : `${entry.entry} ${entry.integrity}`;
  // Another version of this element is defined on the page (the registry changed since it loaded).
  const definedEntry = entry === undefined ? undefined : loader.definedBy?.(entry.element);
  const outdated = entry !== undefined && definedEntry !== undefined && definedEntry !== entry.entry;
  const outdatedRef = useRef(outdated);
  outdatedRef.current = outdated;

  useEffect(() => {
    const entry = entryRef.current;
    if (entry === undefined) return;
    // Loading the new version is impossible without a page load; a version that failed stays failed.
    if (outdatedRef.current) {
      setStatus((status) => (status.kind === 'loading' ? { kind: 'failed', message: '' } : status));
      return;
    }
    let current = true;
    if (customElements.get(entry.element) === undefined) setStatus(LOADING);
    loader.load(entry, { timeoutMs: elementTimeoutMs, attempt }).then(
      () => current && setStatus((status) => (status.kind === 'ready' ? status : READY)),
      (error: unknown) =>
        current &&
        setStatus({
          kind: 'failed',
          message:
            error instanceof ElementLoadError
              ? error.message
              : label('couldNotBeStarted', { title: entry.title }),
        }),
    );
    return () => {
      current = false;
    };
  }, [entryKey, loader, elementTimeoutMs, attempt]);

  const context = useMemo<ElementContext | undefined>(() => {
    if (entry === undefined || session.user.tenant === undefined) return undefined;
    return {
      user: {
        id: session.user.id,
        username: session.user.username,
        email: session.user.email,
        roles: session.user.roles,
        locale: session.user.locale,
      },
      tenant: session.user.tenant,
      getAccessToken: () => session.getAccessToken(),
      // The APIs the entry names, then the platform's own (an entry cannot redirect those).
      api: {
        ...entry.api,
        paymentsGraphql: config.api.paymentsGraphql,
        paymentsGraphqlWs: config.api.paymentsGraphqlWs,
        accounts: config.api.accounts,
      },
      basePath: entry.route,
      initialPath,
      colorScheme,
    };
  }, [entry, session, config, initialPath, colorScheme]);

  const retry = useCallback(async () => {
    setStatus({ kind: 'loading' });
    // The registry may have changed since (a publish or a rollback fixes a broken entry).
    await reloadRegistry();
    setAttempt((n) => n + 1);
  }, [reloadRegistry]);

  if (entry === undefined || context === undefined) return null;
  if (status.kind === 'failed' && outdated)
    return (
      <ErrorPanel
        title={entry.title}
        message={label('newVersionPublished', { title: entry.title })}
        onRetry={() => void retry()}
        busy={false}
        action="reload"
      />
    );
  if (status.kind === 'failed')
    return (
      <ErrorPanel title={entry.title} message={status.message} onRetry={() => void retry()} busy={false} />
    );
  return (
    <div className="micro-frontend" aria-busy={status.kind === 'loading'}>
      {entry.version === DEV_OVERRIDE_VERSION && (
        <p className="banner" role="status">
          {label('devOverride', {
            title: entry.title,
            origin: new URL(entry.entry).origin,
            name: entry.name,
          })}
        </p>
      )}
      {outdated && (
        <div className="banner" role="status">
          <span>{label('newVersionAvailable', { title: entry.title })}</span>
          <button type="button" onClick={() => window.location.reload()}>
            {label('reload')}
          </button>
        </div>
      )}
      {status.kind === 'loading' && (
        <p className="loading" role="status">
          {label('loadingElement', { title: entry.title })}
        </p>
      )}
      {status.kind === 'ready' && (
        <ElementHost
          key={`${entry.entry}#${attempt}`}
          entry={entry}
          context={context}
          subPath={subPath}
          onNavigate={(detail) =>
            navigate(`${entry.route}${detail.path}`, { replace: detail.replace === true })
          }
          onNotify={notify}
          onSessionExpired={() =>
            void session.signInAgain(location.pathname + location.search + location.hash)
          }
          onCrash={(message) =>
            setStatus({ kind: 'failed', message: label('stoppedWithError', { title: entry.title, message }) })
          }
        />
      )}
    </div>
  );
}
