/**
 * Colours: state hues after Paul Tol's colour-blind-safe schemes, darkened so each has at least
 * 3:1 contrast against the white page and carries white text at 4.5:1 (WCAG AA for small text); Okabe–Ito for series. States are
 * always also written out, never shown by colour alone. Every state the engine knows
 * (HEALTH_STATES) gets a colour: those without their own share a neutral grey.
 */
import { HEALTH_STATES } from '../engine/machines/health.ts';

const KNOWN: Record<string, string> = {
  healthy: '#007f72',
  degraded: '#8c7200',
  overloaded: '#b65400',
  down: '#882255',
  recovering: '#0077bb',
  waiting: '#6a3d9a',
};
const OTHER = '#5f6b73';

/** How much a state is worth glowing about on the map: 0 calm … 1 alarm. */
const ALARM: Record<string, number> = { healthy: 0, recovering: 0.25, degraded: 0.5, waiting: 0.5, overloaded: 1, down: 1 };

export function stateColor(state: string): string {
  return KNOWN[state] ?? OTHER;
}

export function stateAlarm(state: string): number {
  return ALARM[state] ?? 0.5;
}

/** Every state in the engine's order, with its colour (for legends). */
export function stateLegend(): { state: string; color: string }[] {
  return HEALTH_STATES.map((state) => ({ state, color: stateColor(state) }));
}

/** Text on a state's colour: white on all of them (each is dark enough: see contrastRatio). */
export const STATE_TEXT = '#ffffff';

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

/** WCAG contrast ratio of two #rrggbb colours (1 … 21). */
export function contrastRatio(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}
