/**
 * Colours: Paul Tol's colour-blind-safe "vibrant" scheme for states, Okabe–Ito for series. States
 * are always also written out, never shown by colour alone.
 */
export const STATE_COLOR: Record<string, string> = {
  healthy: '#009988',
  degraded: '#ccbb44',
  overloaded: '#ee7733',
  down: '#cc3311',
  recovering: '#33bbee',
};

export const STATE_TEXT: Record<string, string> = {
  healthy: '#ffffff',
  degraded: '#1a1a1a',
  overloaded: '#1a1a1a',
  down: '#ffffff',
  recovering: '#1a1a1a',
};

export const SERIES_COLOR = {
  demand: '#009e73',
  offered: '#d55e00',
  goodput: '#0072b2',
  capacity: '#4d4d4d',
  queue: '#cc79a7',
  backlog: '#e69f00',
} as const;

export const REGION_COLORS = ['#d55e00', '#0072b2', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#4d4d4d', '#f0e442'];
