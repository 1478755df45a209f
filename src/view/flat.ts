/**
 * A line's points as drawn at screen resolution. A long run's series are mostly flat for hours: a
 * stretch of points whose heights stay within `tolerancePx` of the stretch's first is drawn as one
 * level segment, from its first point to its last, at most `tolerancePx` from every point it
 * replaces. A point whose value is not finite (or that has no time) is a gap, and stays one.
 * Returns [x, y] pairs in pixels, a gap as [x, NaN].
 */
export function flatPoints(times: readonly number[], values: readonly number[], x: (t: number) => number, y: (v: number) => number, tolerancePx: number): [number, number][] {
  const out: [number, number][] = [];
  const n = Math.min(times.length, values.length);
  let level = NaN; // height of the stretch being drawn, NaN when none is open
  let pendingX = NaN; // the stretch's last point, not yet written
  for (let k = 0; k < n; k++) {
    const v = values[k];
    const px = x(times[k]);
    if (!Number.isFinite(v)) {
      if (pendingX === pendingX) out.push([pendingX, level]);
      out.push([px, NaN]);
      level = pendingX = NaN;
      continue;
    }
    const py = y(v);
    if (level === level && Math.abs(py - level) <= tolerancePx) {
      pendingX = px;
      continue;
    }
    if (pendingX === pendingX) out.push([pendingX, level]);
    out.push([px, py]);
    level = py;
    pendingX = NaN;
  }
  if (pendingX === pendingX) out.push([pendingX, level]);
  return out;
}
