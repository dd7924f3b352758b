import { createContext, useContext } from 'react';
import type { NotifyDetail, Registry } from '@atrium/contracts';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import type { Session } from './auth/session.ts';
import type { ElementLoader } from './element-loader.ts';
import type { ColorSchemePreference } from './color-scheme.ts';

/** What the app is started with: real services in the browser, fakes in component tests. */
export interface ShellServices {
  readonly config: RuntimeConfig;
  readonly session: Session;
  readonly loader: ElementLoader;
  readonly fetchRegistry: () => Promise<Registry>;
  readonly initialRegistry: Registry | undefined;
  /** How long an element may take to load (tests shorten it). */
  readonly elementTimeoutMs: number;
}

/** Everything below the providers reads through `useShell()`. */
export interface ShellState extends ShellServices {
  readonly registry: Registry | undefined;
  readonly registryError: string | undefined;
  /** Re-reads `/registry.json` (Retry after a publish or rollback); resolves to the new document. */
  readonly reloadRegistry: () => Promise<Registry | undefined>;
  readonly notify: (notification: NotifyDetail) => void;
  readonly colorScheme: 'light' | 'dark';
  readonly colorSchemePreference: ColorSchemePreference;
  readonly setColorSchemePreference: (value: ColorSchemePreference) => void;
}

export const ShellContext = createContext<ShellState | undefined>(undefined);

export function useShell(): ShellState {
  const state = useContext(ShellContext);
  if (state === undefined) throw new Error('useShell outside <ShellProviders>');
  return state;
}
