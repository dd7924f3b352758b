import { useCallback, useEffect, useState } from 'react';

/** The user's choice; `system` follows the operating system. Stored locally: it is not a secret. */
export type ColorSchemePreference = 'system' | 'light' | 'dark';

const KEY = 'atrium.colorScheme';

function readPreference(): ColorSchemePreference {
  try {
    const value = window.localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

function systemPrefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches;
}

/** The preference, the resolved scheme, and a setter; the tokens' CSS reads `data-color-scheme` on <html>. */
export function useColorScheme(): {
  preference: ColorSchemePreference;
  scheme: 'light' | 'dark';
  setPreference: (value: ColorSchemePreference) => void;
} {
  const [preference, setPreferenceState] = useState<ColorSchemePreference>(readPreference);
  const [systemDark, setSystemDark] = useState(systemPrefersDark);
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return;
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = (): void => setSystemDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  useEffect(() => {
    const root = document.documentElement;
    if (preference === 'system') root.removeAttribute('data-color-scheme');
    else root.setAttribute('data-color-scheme', preference);
  }, [preference]);
  const setPreference = useCallback((value: ColorSchemePreference) => {
    setPreferenceState(value);
    try {
      if (value === 'system') window.localStorage.removeItem(KEY);
      else window.localStorage.setItem(KEY, value);
    } catch {
      // Storage may be disabled; the choice then lasts for this page only.
    }
  }, []);
  const scheme = preference === 'system' ? (systemDark ? 'dark' : 'light') : preference;
  return { preference, scheme, setPreference };
}
