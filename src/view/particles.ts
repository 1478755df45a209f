/**
 * Traffic on the dependency graph's edges, as particles on a canvas laid under the SVG (the nodes
 * hide what passes behind them, so their text stays clear): density follows each call's rate (log
 * scale), first tries are blue and retries orange, and calls that mostly fail are drawn hollow.
 * With reduced motion the particles stand still — the same information, without movement.
 */
import type { Frame, ModelInfo } from '../worker/protocol.ts';
import type { GraphView } from './graph.ts';
import { SERIES_COLOR } from './palette.ts';

const FIRST = '#0072b2';
const RETRY = SERIES_COLOR.offered;
const MAX_PER_EDGE = 24;
/** Fraction of an edge a particle travels per second of wall time. */
const SPEED = 0.45;

export interface ParticlesView {
  update(frame: Frame, region: string): void;
  /** Draws at wall time `now` (ms); `moving` false draws them still. */
  paint(now: number, moving: boolean): void;
}

interface EdgeTraffic {
  bezier: number[];
  first: number;
  retries: number;
  failing: boolean;
}

export function renderParticles(host: HTMLElement, model: ModelInfo, graph: GraphView): ParticlesView {
  host.style.position = 'relative';
  const canvas = document.createElement('canvas');
  canvas.className = 'particles';
  canvas.setAttribute('aria-hidden', 'true');
  host.append(canvas);
  const ctx = canvas.getContext('2d');
  let traffic: EdgeTraffic[] = [];
  // Flow index of each edge, per region.
  const flowOf = new Map<string, number>();
  model.flows.forEach((f, k) => flowOf.set(`${f.region}|${f.from}|${f.to}`, k));

  return {
    update(frame, region) {
      traffic = graph.edges.map((e) => {
        const k = flowOf.get(`${region}|${e.from}|${e.to}`) ?? -1;
        if (k < 0) return { bezier: e.bezier, first: 0, retries: 0, failing: false };
        const first = frame.flows[3 * k];
        const retries = frame.flows[3 * k + 1];
        const total = first + retries;
        const n = Math.min(MAX_PER_EDGE, Math.round(4 * Math.log10(1 + total)));
        const nRetry = total > 0 ? Math.round((n * retries) / total) : 0;
        return { bezier: e.bezier, first: n - nRetry, retries: nRetry, failing: frame.flows[3 * k + 2] < 0.5 };
      });
    },
    paint(now, moving) {
      if (!ctx) return;
      // The canvas lies over the graph's drawing, which is drawn in CSS pixels at the box's top left:
      // its size is known without asking the page for layout (no forced layout in the frame loop).
      const dpr = window.devicePixelRatio || 1;
      const w = Math.round(graph.size.width * dpr);
      const h = Math.round(graph.size.height * dpr);
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
        canvas.style.width = `${graph.size.width}px`;
        canvas.style.height = `${graph.size.height}px`;
        canvas.style.left = '0px';
        canvas.style.top = '0px';
      }
      const scale = dpr;
      ctx.setTransform(scale, 0, 0, scale, 0, 0);
      ctx.clearRect(0, 0, graph.size.width, graph.size.height);
      const shift = moving ? ((now / 1000) * SPEED) % 1 : 0;
      for (const e of traffic) {
        const n = e.first + e.retries;
        for (let p = 0; p < n; p++) {
          // Retries interleave with first tries along the edge, offset so both are visible.
          const u = (p / n + shift + (p % 2) * 0.013) % 1;
          const [x, y] = bezierPoint(e.bezier, u);
          const retry = p % n >= e.first;
          ctx.beginPath();
          if (retry) ctx.rect(x - 3, y - 3, 6, 6);
          else ctx.arc(x, y, 3.2, 0, Math.PI * 2);
          if (e.failing) {
            ctx.lineWidth = 1.5;
            ctx.strokeStyle = retry ? RETRY : FIRST;
            ctx.stroke();
          } else {
            ctx.fillStyle = retry ? RETRY : FIRST;
            ctx.fill();
          }
        }
      }
    },
  };
}

function bezierPoint(b: number[], t: number): [number, number] {
  const u = 1 - t;
  const a = u * u * u;
  const c = 3 * u * u * t;
  const d = 3 * u * t * t;
  const e = t * t * t;
  return [a * b[0] + c * b[2] + d * b[4] + e * b[6], a * b[1] + c * b[3] + d * b[5] + e * b[7]];
}
