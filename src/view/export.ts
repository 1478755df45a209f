/**
 * Pictures of the lab: any chart as SVG or PNG, the current view as PNG, and an animated GIF of a
 * stretch of the run (encoded with gifenc). SVGs are made standalone by copying the computed
 * styles that matter onto a clone; PNGs are drawn from that SVG.
 */
import { applyPalette, GIFEncoder, quantize } from 'gifenc';

const STYLE_PROPS = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-size', 'font-weight', 'font-family', 'text-anchor', 'display'];

/** A clone of `svg` that draws the same outside the page (styles inlined, size set). */
export function standaloneSvg(svg: SVGSVGElement, scale = 1, background: string | null = '#ffffff'): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  src.forEach((el, k) => {
    const cs = getComputedStyle(el);
    const target = dst[k] as SVGElement;
    for (const p of STYLE_PROPS) target.style.setProperty(p, cs.getPropertyValue(p));
  });
  const vb = svg.viewBox.baseVal;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.round(vb.width * scale)));
  clone.setAttribute('height', String(Math.round(vb.height * scale)));
  if (background) clone.style.setProperty('background', background);
  else clone.style.removeProperty('background');
  return new XMLSerializer().serializeToString(clone);
}

/** Draws SVG markup onto a new canvas of the given size. */
export async function svgToCanvas(markup: string, width: number, height: number, background: string | null = '#ffffff'): Promise<HTMLCanvasElement> {
  const url = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d')!;
    if (background) {
      ctx.fillStyle = background;
      ctx.fillRect(0, 0, width, height);
    }
    ctx.drawImage(img, 0, 0, width, height);
    return canvas;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function canvasToBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the picture could not be made'))), 'image/png'));
}

/** What makes a picture of the view stand on its own: its title, the clock, and what the colours mean. */
export interface ViewCaption {
  title: string;
  clock: string;
  legend: { color: string; label: string }[];
}

const CAPTION_H = 40;
const LEGEND_H = 28;

/**
 * The given SVG panels side by side, with canvases laid under (the map's land, on its sea) and
 * over (particles) them; with a caption, a title and the clock above and the legend below.
 */
export async function composeView(svgs: SVGSVGElement[], overlays: HTMLCanvasElement[] = [], scale = 1.5, underlays: HTMLCanvasElement[] = [], caption?: ViewCaption): Promise<HTMLCanvasElement> {
  const rects = svgs.map((s) => s.getBoundingClientRect());
  const left = Math.min(...rects.map((r) => r.left));
  const top = Math.min(...rects.map((r) => r.top));
  const width = Math.max(...rects.map((r) => r.right)) - left;
  const height = Math.max(...rects.map((r) => r.bottom)) - top;
  const head = caption ? CAPTION_H : 0;
  const foot = caption ? LEGEND_H : 0;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round((height + head + foot) * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const y0 = head * scale;
  for (const u of underlays) {
    const r = u.getBoundingClientRect();
    if (r.width === 0) continue;
    // The sea under the land: the map's own background.
    const section = u.closest('section');
    const sea = section ? getComputedStyle(section).backgroundColor : '';
    if (sea && sea !== 'rgba(0, 0, 0, 0)') {
      ctx.fillStyle = sea;
      ctx.fillRect((r.left - left) * scale, y0 + (r.top - top) * scale, r.width * scale, r.height * scale);
    }
    ctx.drawImage(u, (r.left - left) * scale, y0 + (r.top - top) * scale, r.width * scale, r.height * scale);
  }
  for (let k = 0; k < svgs.length; k++) {
    const r = rects[k];
    // Drawn clear, so the land under the map shows through.
    const panel = await svgToCanvas(standaloneSvg(svgs[k], 1, null), Math.round(r.width * scale), Math.round(r.height * scale), null);
    ctx.drawImage(panel, (r.left - left) * scale, y0 + (r.top - top) * scale);
  }
  for (const o of overlays) {
    const r = o.getBoundingClientRect();
    if (r.width > 0) ctx.drawImage(o, (r.left - left) * scale, y0 + (r.top - top) * scale, r.width * scale, r.height * scale);
  }
  if (caption) drawCaption(ctx, caption, canvas.width, canvas.height, scale);
  return canvas;
}

function drawCaption(ctx: CanvasRenderingContext2D, c: ViewCaption, width: number, height: number, scale: number): void {
  const font = (px: number, weight = 400) => `${weight} ${px * scale}px system-ui, sans-serif`;
  ctx.fillStyle = '#1a1a1a';
  ctx.textBaseline = 'middle';
  ctx.font = font(22, 700);
  const clockW = ctx.measureText(c.clock).width;
  ctx.textAlign = 'right';
  ctx.fillText(c.clock, width - 10 * scale, (CAPTION_H / 2) * scale);
  ctx.textAlign = 'left';
  ctx.font = font(16, 600);
  let title = c.title;
  while (title.length > 1 && ctx.measureText(title).width > width - clockW - 40 * scale) title = `${title.slice(0, -2)}…`;
  ctx.fillText(title, 10 * scale, (CAPTION_H / 2) * scale);
  ctx.font = font(13);
  let x = 10 * scale;
  const y = height - (LEGEND_H / 2) * scale;
  for (const item of c.legend) {
    ctx.fillStyle = item.color;
    ctx.fillRect(x, y - 6 * scale, 12 * scale, 12 * scale);
    ctx.fillStyle = '#1a1a1a';
    ctx.fillText(item.label, x + 16 * scale, y);
    x += 16 * scale + ctx.measureText(item.label).width + 14 * scale;
  }
}

/** An animated GIF from canvases of equal size. */
export function encodeGif(frames: HTMLCanvasElement[], delayMs: number): Blob {
  const gif = GIFEncoder();
  for (const c of frames) {
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    const palette = quantize(data, 128);
    gif.writeFrame(applyPalette(data, palette), c.width, c.height, { palette, delay: delayMs });
  }
  gif.finish();
  return new Blob([gif.bytes() as BlobPart], { type: 'image/gif' });
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A chart that stands on its own: its title (and the time it was taken), the plot with its axes and
 * unit, the time axis named, and the legend with each series' latest value — as one SVG.
 */
export function standaloneChart(fig: HTMLElement, timeAxis: string): { markup: string; width: number; height: number } {
  const plot = fig.querySelector<SVGSVGElement>('.chart-plot svg')!;
  const vb = plot.viewBox.baseVal;
  const W = Math.max(480, Math.round(vb.width));
  const caption = fig.querySelector('figcaption');
  const now = caption?.getAttribute('data-now');
  const title = `${caption?.textContent ?? ''}${now ? ` — at ${now}` : ''}`;
  const items = [...fig.querySelectorAll<HTMLElement>('.legend span')].map((s) => ({
    color: s.querySelector('i')?.style.background || '#000',
    dashed: s.querySelector('i')?.classList.contains('dashed') ?? false,
    text: `${s.querySelector('b')?.textContent ?? ''}${s.querySelector('small')?.textContent ?? ''}`,
  }));
  const font = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\"";
  // Text is measured as the browser will draw it, so no label runs into the next swatch or off the edge.
  const ctx = document.createElement('canvas').getContext('2d');
  const measure = (text: string, px: number, weight = 400) => {
    if (!ctx) return text.length * px * 0.6;
    ctx.font = `${weight} ${px}px system-ui, -apple-system, 'Segoe UI', sans-serif`;
    return ctx.measureText(text).width;
  };
  const titleLines = wrap(title, (t) => measure(t, 16, 700) <= W - 16);
  const titleH = 10 + titleLines.length * 20;
  const axisH = 22;
  let x = 8;
  let row = 0;
  const legend: string[] = [];
  for (const it of items) {
    const w = 26 + measure(it.text, 13) + 16;
    if (x + w > W - 8 && x > 8) {
      x = 8;
      row++;
    }
    const y = row * 20 + 10;
    legend.push(
      `<line x1="${x}" x2="${x + 20}" y1="${y}" y2="${y}" stroke="${xml(it.color)}" stroke-width="3"${it.dashed ? ' stroke-dasharray="5,4"' : ''}/>` +
        `<text x="${x + 26}" y="${y + 4}" font-size="13" fill="#1a1a1a" ${font}>${xml(it.text)}</text>`,
    );
    x += w;
  }
  const legendH = (row + 1) * 20 + 8;
  const H = titleH + vb.height + axisH + legendH;
  const inner = standaloneSvg(plot, 1);
  const markup =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">` +
    `<rect width="${W}" height="${H}" fill="#ffffff"/>` +
    titleLines.map((line, k) => `<text x="8" y="${20 + k * 20}" font-size="16" font-weight="700" fill="#1a1a1a" ${font}>${xml(line)}</text>`).join('') +
    `<g transform="translate(0,${titleH})">${inner}</g>` +
    `<text x="${W / 2}" y="${titleH + vb.height + 16}" font-size="13" text-anchor="middle" fill="#4d4d4d" ${font}>${xml(timeAxis)}</text>` +
    `<g transform="translate(0,${titleH + vb.height + axisH})">${legend.join('')}</g>` +
    `</svg>`;
  return { markup, width: W, height: H };
}

/** Words put on lines that each pass `fits` (a word longer than a line gets a line of its own). */
function wrap(text: string, fits: (line: string) => boolean): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && !fits(next)) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}
