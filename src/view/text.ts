/**
 * Text on the stage is laid out, not scaled: views draw in CSS pixels at the stage's text size
 * (`--stage-text`, larger in presenter mode), measure their labels, and wrap them to fit.
 */
const FAMILY = "system-ui, -apple-system, 'Segoe UI', sans-serif";
let ctx: CanvasRenderingContext2D | null = null;

/** The stage's base text size in pixels (never below 12). */
export function stageTextPx(el: Element = document.documentElement): number {
  const v = parseFloat(getComputedStyle(el).getPropertyValue('--stage-text'));
  return Math.max(12, Number.isFinite(v) ? v : 14);
}

export function textWidth(text: string, px: number, weight = 400): number {
  ctx ??= document.createElement('canvas').getContext('2d');
  if (!ctx) return text.length * px * 0.6;
  ctx.font = `${weight} ${px}px ${FAMILY}`;
  return ctx.measureText(text).width;
}

/**
 * `text` in lines no wider than `maxW`, broken between words; null if it needs more than
 * `maxLines` lines or a single word is too wide (the caller then makes room, or shows it elsewhere).
 */
export function wrapText(text: string, maxW: number, px: number, weight = 400, maxLines = 2): string[] | null {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const next = line ? `${line} ${w}` : w;
    if (textWidth(next, px, weight) <= maxW) line = next;
    else {
      if (!line || textWidth(w, px, weight) > maxW) return null;
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  return lines.length <= maxLines ? lines : null;
}

/** The widest word of `text`, for sizing boxes that must hold it. */
export function widestWord(text: string, px: number, weight = 400): number {
  return Math.max(0, ...text.split(/\s+/).map((w) => textWidth(w, px, weight)));
}
