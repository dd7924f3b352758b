/** One colour scheme's palette. Every colour pair (x / onX) meets WCAG AA contrast. */
export interface ColorScheme {
  readonly primary: string;
  readonly onPrimary: string;
  readonly primaryContainer: string;
  readonly onPrimaryContainer: string;
  readonly secondary: string;
  readonly onSecondary: string;
  readonly surface: string;
  readonly onSurface: string;
  readonly surfaceVariant: string;
  readonly onSurfaceVariant: string;
  readonly surfaceContainer: string;
  readonly outline: string;
  readonly error: string;
  readonly onError: string;
  readonly errorContainer: string;
  readonly onErrorContainer: string;
  readonly success: string;
  readonly onSuccess: string;
  readonly focusRing: string;
}

/** The single source of Atrium's look and feel, used by the login page, the shell and both elements. */
export const tokens = {
  color: {
    light: {
      primary: '#1f4e9c',
      onPrimary: '#ffffff',
      primaryContainer: '#d8e2ff',
      onPrimaryContainer: '#001a43',
      secondary: '#4f5b77',
      onSecondary: '#ffffff',
      surface: '#fbf9fd',
      onSurface: '#1b1b1f',
      surfaceVariant: '#e1e2ec',
      onSurfaceVariant: '#44474f',
      surfaceContainer: '#efedf1',
      outline: '#74777f',
      error: '#ba1a1a',
      onError: '#ffffff',
      errorContainer: '#ffdad6',
      onErrorContainer: '#410002',
      success: '#1b6c36',
      onSuccess: '#ffffff',
      focusRing: '#1f4e9c',
    },
    dark: {
      primary: '#aec6ff',
      onPrimary: '#002e6a',
      primaryContainer: '#00429a',
      onPrimaryContainer: '#d8e2ff',
      secondary: '#b8c4e4',
      onSecondary: '#223048',
      surface: '#121316',
      onSurface: '#e3e2e6',
      surfaceVariant: '#44474f',
      onSurfaceVariant: '#c4c6d0',
      surfaceContainer: '#1f1f23',
      outline: '#8e9099',
      error: '#ffb4ab',
      onError: '#690005',
      errorContainer: '#93000a',
      onErrorContainer: '#ffdad6',
      success: '#8bd89b',
      onSuccess: '#00391a',
      focusRing: '#aec6ff',
    },
  } satisfies Record<'light' | 'dark', ColorScheme>,
  typography: {
    // System fonts only: the machines and many deployments have no network for web fonts.
    fontFamily:
      "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Liberation Sans', Arial, sans-serif",
    monoFamily: "ui-monospace, 'SFMono-Regular', 'DejaVu Sans Mono', Menlo, Consolas, monospace",
    baseSize: '16px',
    scale: { small: '0.875rem', body: '1rem', title: '1.25rem', headline: '1.75rem' },
    weight: { regular: '400', medium: '500', bold: '700' },
    lineHeight: '1.5',
  },
  spacing: { xs: '4px', s: '8px', m: '16px', l: '24px', xl: '32px', xxl: '48px' },
  shape: { cornerSmall: '4px', cornerMedium: '8px', cornerLarge: '16px', cornerFull: '9999px' },
  /** Material density scale step: 0 is default, negative is more compact. */
  density: 0,
  elevation: {
    level1: '0 1px 2px rgb(0 0 0 / 0.3), 0 1px 3px 1px rgb(0 0 0 / 0.15)',
    level2: '0 1px 2px rgb(0 0 0 / 0.3), 0 2px 6px 2px rgb(0 0 0 / 0.15)',
  },
} as const;

export type Tokens = typeof tokens;
