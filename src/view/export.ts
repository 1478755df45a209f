/**
 * Pictures of the lab: any chart as SVG or PNG, the current view as PNG, and an animated GIF of a
 * stretch of the run (encoded with gifenc). SVGs are made standalone by copying the computed
 * styles that matter onto a clone; PNGs are drawn from that SVG.
 */
import { applyPalette, GIFEncoder, quantize } from 'gifenc';

const STYLE_PROPS = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-size', 'font-weight', 'font-family', 'text-anchor', 'display'];

/** A clone of `svg` that draws the same outside the page (styles inlined, size set). */
export function standaloneSvg(svg: SVGSVGElement, scale = 1): string {
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
  clone.style.setProperty('background', '#ffffff');
  return new XMLSerializer().serializeToString(clone);
}

/** Draws SVG markup onto a new canvas of the given size. */
export async function svgToCanvas(markup: string, width: number, height: number): Promise<HTMLCanvasElement> {
  const url = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(img, 0, 0, width, height);
    return canvas;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function canvasToBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the picture could not be made'))), 'image/png'));
}

/** The given SVG panels side by side, with the particle canvas where it is laid over one of them. */
export async function composeView(svgs: SVGSVGElement[], overlays: HTMLCanvasElement[] = [], scale = 1.5): Promise<HTMLCanvasElement> {
  const rects = svgs.map((s) => s.getBoundingClientRect());
  const left = Math.min(...rects.map((r) => r.left));
  const top = Math.min(...rects.map((r) => r.top));
  const width = Math.max(...rects.map((r) => r.right)) - left;
  const height = Math.max(...rects.map((r) => r.bottom)) - top;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let k = 0; k < svgs.length; k++) {
    const r = rects[k];
    const panel = await svgToCanvas(standaloneSvg(svgs[k]), Math.round(r.width * scale), Math.round(r.height * scale));
    ctx.drawImage(panel, (r.left - left) * scale, (r.top - top) * scale);
  }
  for (const o of overlays) {
    const r = o.getBoundingClientRect();
    if (r.width > 0) ctx.drawImage(o, (r.left - left) * scale, (r.top - top) * scale, r.width * scale, r.height * scale);
  }
  return canvas;
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
