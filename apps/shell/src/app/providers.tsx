import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import type { NotifyDetail, Registry } from '@atrium/contracts';
import { useColorScheme } from '../lib/color-scheme.ts';
import { ShellContext, type ShellServices, type ShellState } from '../lib/shell-context.tsx';
import { Notifications, type ShownNotification } from './layout/notifications.tsx';
import { label, preferUserLocale } from '../lib/shell-labels.ts';

const NOTIFICATION_MS = 6000;

/** Holds the registry, notifications and colour scheme for the whole shell. */
export function ShellProviders({ services, children }: { services: ShellServices; children: ReactNode }) {
  // Before anything below renders a label: the signed-in user's own locale comes first (idempotent).
  preferUserLocale(services.session.user.locale);
  const [registry, setRegistry] = useState<Registry | undefined>(services.initialRegistry);
  const [registryError, setRegistryError] = useState<string | undefined>(
    services.initialRegistry === undefined ? label('registryFailed') : undefined,
  );
  const [notifications, setNotifications] = useState<ShownNotification[]>([]);
  const nextId = useRef(0);
  const { preference, scheme, setPreference } = useColorScheme();

  const reloadRegistry = useCallback(async () => {
    try {
      const fresh = await services.fetchRegistry();
      // An unchanged registry (the usual 304 of a re-check) keeps its object: nothing re-renders,
      // and no element is handed a new context for nothing.
      setRegistry((current) => (JSON.stringify(current) === JSON.stringify(fresh) ? current : fresh));
      setRegistryError(undefined);
      return fresh;
    } catch (error) {
      setRegistryError(label('registryFailedBecause', { reason: (error as Error).message }));
      return undefined;
    }
  }, [services]);

  const dismiss = useCallback(
    (id: number) => setNotifications((list) => list.filter((n) => n.id !== id)),
    [],
  );
  const notify = useCallback(
    (detail: NotifyDetail) => {
      const id = nextId.current++;
      setNotifications((list) => [...list.slice(-3), { ...detail, id }]);
      window.setTimeout(() => dismiss(id), NOTIFICATION_MS);
    },
    [dismiss],
  );

  const state = useMemo<ShellState>(
    () => ({
      ...services,
      registry,
      registryError,
      reloadRegistry,
      notify,
      colorScheme: scheme,
      colorSchemePreference: preference,
      setColorSchemePreference: setPreference,
    }),
    [services, registry, registryError, reloadRegistry, notify, scheme, preference, setPreference],
  );
  return (
    <ShellContext.Provider value={state}>
      {children}
      <Notifications items={notifications} onDismiss={dismiss} />
    </ShellContext.Provider>
  );
}
