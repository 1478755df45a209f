/**
 * Colours: state hues after Paul Tol's colour-blind-safe schemes, darkened so each has at least
 * 3:1 contrast against the white page and carries white text; Okabe–Ito for series. States are
 * always also written out, never shown by colour alone.
 */
export const STATE_COLOR: Record<string, string> = {
  healthy: '#008577',
  degraded: '#9a7d00',
  overloaded: '#c75a00',
  down: '#882255',
  recovering: '#0077bb',
  waiting: '#6a3d9a',
};

export const STATE_TEXT: Record<string, string> = {
  healthy: '#ffffff',
  degraded: '#ffffff',
  overloaded: '#ffffff',
  down: '#ffffff',
  recovering: '#ffffff',
  waiting: '#ffffff',
};

export const SERIES_COLOR = {
  demand: '#009e73',
  offered: '#d55e00',
  goodput: '#0072b2',
  wasted: '#882255',
  capacity: '#4d4d4d',
  queue: '#cc79a7',
  backlog: '#e69f00',
} as const;

export const REGION_COLORS = ['#d55e00', '#0072b2', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#4d4d4d', '#f0e442'];
