import { Suspense, useEffect, useRef } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { visibleEntries } from '../lib/registry.ts';
import { canAdminister } from '../lib/navigation.ts';
import { CALLBACK_PATH } from '../config/runtime-config.ts';
import { HomePage, NotFoundPage } from '../features/home/home-page.tsx';
import { MicroFrontendRoute } from '../features/micro-frontends/micro-frontend-route.tsx';
import { ShellLayout } from './layout/shell-layout.tsx';
import { lazyPage } from './lazy-page.ts';
import { RouteErrorBoundary } from './route-error-boundary.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { label } from '../lib/shell-labels.ts';

// Administration is a separate chunk: most users never open it. After a shell redeploy the
// host still serves the old chunk (ShellArchive); should it be gone anyway, the page reloads once.
const AdminPage = lazyPage(() => import('../features/admin/admin-page.tsx'));

/** The shell's routes; micro-frontend routes come from the registry at run time. */
export function AppRoutes() {
  const { session, registry, reloadRegistry } = useShell();
  const location = useLocation();
  // Every navigation re-checks the registry (no-cache + ETag: a 304 when nothing changed), so a
  // page left open sees a new micro-frontend, or a new version on its next visit.
  const checkedPath = useRef(location.pathname);
  useEffect(() => {
    if (checkedPath.current === location.pathname) return;
    checkedPath.current = location.pathname;
    void reloadRegistry();
  }, [location.pathname, reloadRegistry]);
  const { user } = session;
  const entries =
    registry === undefined ? [] : visibleEntries(registry, user.roles, user.tenant !== undefined);
  const top = location.pathname.split('/')[1] ?? '';
  return (
    <Routes>
      <Route path={CALLBACK_PATH} element={<Navigate to="/" replace />} />
      <Route element={<ShellLayout />}>
        <Route
          index
          element={
            <RouteErrorBoundary resetKey={top}>
              <HomePage />
            </RouteErrorBoundary>
          }
        />
        {entries.map((entry) => (
          <Route
            key={entry.name}
            path={`${entry.route}/*`}
            element={
              <RouteErrorBoundary resetKey={top}>
                <MicroFrontendRoute name={entry.name} />
              </RouteErrorBoundary>
            }
          />
        ))}
        {canAdminister(user) && (
          <Route
            path="/admin/*"
            element={
              <RouteErrorBoundary resetKey={top}>
                <Suspense fallback={<p role="status">{label('loadingAdministration')}</p>}>
                  <AdminPage />
                </Suspense>
              </RouteErrorBoundary>
            }
          />
        )}
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
