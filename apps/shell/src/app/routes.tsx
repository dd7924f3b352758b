import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { visibleEntries } from '../lib/registry.ts';
import { canAdminister } from '../lib/navigation.ts';
import { CALLBACK_PATH } from '../config/runtime-config.ts';
import { HomePage, NotFoundPage } from '../features/home/home-page.tsx';
import { MicroFrontendRoute } from '../features/micro-frontends/micro-frontend-route.tsx';
import { ShellLayout } from './layout/shell-layout.tsx';
import { RouteErrorBoundary } from './route-error-boundary.tsx';
import { useShell } from './shell-context.tsx';

// Administration is a separate chunk: most users never open it.
const AdminPage = lazy(() => import('../features/admin/admin-page.tsx'));

/** The shell's routes; micro-frontend routes come from the registry at run time. */
export function AppRoutes() {
  const { session, registry } = useShell();
  const location = useLocation();
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
                <Suspense fallback={<p role="status">Loading administration…</p>}>
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
