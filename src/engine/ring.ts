/**
 * Rings indexed by absolute tick: row r, tick a lives at [r * width + (a mod width)].
 * Resizing keeps the newest `min(old, new)` ticks in place, so parameters that change ring
 * lengths (timeouts, backoff caps, retry counts) can change mid-run.
 */

export function slot(tick: number, width: number): number {
  return tick % width;
}

/**
 * A copy of `ring` (rows × oldWidth) as rows' × newWidth holding the ticks
 * (newestTick − keep, newestTick], where keep = min(oldWidth, newWidth). Extra rows start empty.
 */
export function resizeRing(
  ring: Float64Array,
  rows: number,
  oldWidth: number,
  newRows: number,
  newWidth: number,
  newestTick: number,
): Float64Array {
  const out = new Float64Array(newRows * newWidth);
  const keep = Math.min(oldWidth, newWidth);
  const copyRows = Math.min(rows, newRows);
  for (let r = 0; r < copyRows; r++) {
    for (let a = newestTick - keep + 1; a <= newestTick; a++) {
      if (a < 0) continue;
      out[r * newWidth + (a % newWidth)] = ring[r * oldWidth + (a % oldWidth)];
    }
  }
  return out;
}
