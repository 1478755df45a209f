/** Numbers and times for people. */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1e6) return `${(x / 1e6).toFixed(a >= 1e7 ? 0 : 1)}M`;
  if (a >= 1e3) return `${(x / 1e3).toFixed(a >= 1e4 ? 0 : 1)}k`;
  if (a >= 10 || a === 0) return x.toFixed(0);
  return x.toFixed(1);
}

/** "00:08" on clocked models, "1 m 20 s" otherwise. */
export function formatTime(t: number, clockStart: string | null): string {
  if (clockStart) {
    const d = new Date(Date.parse(clockStart) + t * 1000);
    return d.toISOString().slice(11, 16);
  }
  const m = Math.floor(t / 60);
  const s = Math.round(t - m * 60);
  return m > 0 ? `${m} m ${String(s).padStart(2, '0')} s` : `${s} s`;
}

/** Axis ticks at whole hours of the clock (or round seconds on unclocked models). */
export function timeTicks(durationS: number, clockStart: string | null, approx = 10): number[] {
  if (!clockStart || durationS < 4 * 3600) {
    const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].find((s) => durationS / s <= approx) ?? 3600;
    return Array.from({ length: Math.floor(durationS / step) + 1 }, (_, k) => k * step);
  }
  const start = Date.parse(clockStart) / 1000;
  const hours = [1, 2, 3, 4, 6].find((h) => durationS / (h * 3600) <= approx) ?? 6;
  const step = hours * 3600;
  const first = (step - (start % step)) % step;
  const out: number[] = [];
  for (let t = first; t <= durationS; t += step) out.push(t);
  return out;
}
