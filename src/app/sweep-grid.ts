/**
 * The map's points for the keyboard and for screen readers: a WAI-ARIA grid laid over the drawn
 * cells, one gridcell per point, rows from the top as drawn (the largest y first). One Tab stop
 * (roving tabindex); arrow keys move between points, Home and End to a row's ends, Ctrl+Home and
 * Ctrl+End to the first and last point; Enter or Space opens a point. The picture under it is
 * redrawn as runs finish, but this grid is built once per sweep and only renamed, so the focus
 * stays where it is meanwhile. It takes no pointer events: the picture's own cells have those.
 */
import { PHASE_PLOT, PHASE_SIZE } from '../view/phase.ts';

/** A point as [xi, yi]: its place along x and along y. */
export type Point = [number, number];

/** The focused point, and the element that stands for it over the picture. */
export interface FocusedPoint {
  point: Point;
  cell: HTMLElement;
}

export interface PointGridHooks {
  /** A point took the focus. */
  focus(at: FocusedPoint): void;
  /** The focus left the grid. */
  blur(): void;
  /** Enter or Space on a point. */
  open(p: Point): void;
}

export interface PointGrid {
  readonly element: HTMLElement;
  /** A grid of nx × ny points, named by `name` until they finish; the top left one is the Tab stop. */
  reset(label: string, nx: number, ny: number, name: (p: Point) => string): void;
  /** Names the points that have finished (`finished[k]` set), once each: a finished point does not change. */
  settle<T>(finished: readonly (T | null | undefined)[], name: (p: Point, done: T) => string): void;
  /** The focused point, if the focus is in the grid. */
  focused(): FocusedPoint | null;
  clear(): void;
}

/** Where a key moves the focus from [xi, yi] in an nx × ny grid; null for keys the grid leaves alone. */
export function moveFor(key: string, ctrl: boolean, [xi, yi]: Point, nx: number, ny: number): Point | null {
  switch (key) {
    case 'ArrowRight': return [Math.min(nx - 1, xi + 1), yi];
    case 'ArrowLeft': return [Math.max(0, xi - 1), yi];
    // Up the picture is up the y axis.
    case 'ArrowUp': return [xi, Math.min(ny - 1, yi + 1)];
    case 'ArrowDown': return [xi, Math.max(0, yi - 1)];
    case 'Home': return ctrl ? [0, ny - 1] : [0, yi];
    case 'End': return ctrl ? [nx - 1, 0] : [nx - 1, yi];
    default: return null;
  }
}

const pct = (part: number, whole: number) => `${(100 * part) / whole}%`;

export function pointGrid(describedBy: string, on: PointGridHooks): PointGrid {
  const element = document.createElement('div');
  element.className = 'sweep-grid';
  element.setAttribute('role', 'grid');
  // A grid without rows is not a grid: hidden until there is a sweep.
  element.hidden = true;
  // Over the picture's plot: the picture scales with the drawer, so in shares of its size.
  Object.assign(element.style, {
    left: pct(PHASE_PLOT.left, PHASE_SIZE.width),
    top: pct(PHASE_PLOT.top, PHASE_SIZE.height),
    width: pct(PHASE_PLOT.width, PHASE_SIZE.width),
    height: pct(PHASE_PLOT.height, PHASE_SIZE.height),
  });
  let nx = 0;
  let ny = 0;
  /** The cells in grid order (y outer, x inner), as the sweep's results are. */
  let cells: HTMLElement[] = [];
  let settled = new Uint8Array(0);
  let stop = 0;

  const pointOf = (k: number): Point => [k % nx, Math.floor(k / nx)];
  const indexOf = (cell: Element | null) => (cell ? cells.indexOf(cell as HTMLElement) : -1);

  /** Makes cell k the grid's one Tab stop, and the one the tooltip describes. */
  const rove = (k: number) => {
    cells[stop].tabIndex = -1;
    cells[stop].removeAttribute('aria-describedby');
    stop = k;
    cells[k].tabIndex = 0;
    cells[k].setAttribute('aria-describedby', describedBy);
  };

  element.addEventListener('focusin', (e) => {
    const k = indexOf(e.target as Element);
    if (k < 0) return;
    rove(k);
    on.focus({ point: pointOf(k), cell: cells[k] });
  });
  element.addEventListener('focusout', (e) => {
    if (!element.contains(e.relatedTarget as Node | null)) on.blur();
  });
  element.addEventListener('keydown', (e) => {
    const k = indexOf(e.target as Element);
    if (k < 0) return;
    const open = e.key === 'Enter' || e.key === ' ';
    const to = open ? null : moveFor(e.key, e.ctrlKey || e.metaKey, pointOf(k), nx, ny);
    if (!open && !to) return;
    // These keys are the grid's: the drawer would scroll on them, and the lab's own keys (Space
    // plays, the arrows page through the story) would act on the run behind it.
    e.preventDefault();
    e.stopPropagation();
    if (to) cells[to[1] * nx + to[0]].focus();
    else on.open(pointOf(k));
  });

  return {
    element,
    reset(label, nxNew, nyNew, name) {
      nx = nxNew;
      ny = nyNew;
      element.ariaLabel = label;
      element.hidden = false;
      cells = Array.from({ length: nx * ny }, (_, k) => {
        const cell = document.createElement('div');
        cell.setAttribute('role', 'gridcell');
        cell.tabIndex = -1;
        cell.ariaLabel = name(pointOf(k));
        return cell;
      });
      settled = new Uint8Array(nx * ny);
      const rows = Array.from({ length: ny }, (_, r) => {
        const row = document.createElement('div');
        row.setAttribute('role', 'row');
        const yi = ny - 1 - r;
        row.append(...cells.slice(yi * nx, (yi + 1) * nx));
        return row;
      });
      element.replaceChildren(...rows);
      stop = (ny - 1) * nx;
      rove(stop);
    },
    settle(finished, name) {
      finished.forEach((done, k) => {
        if (!done || settled[k]) return;
        settled[k] = 1;
        cells[k].ariaLabel = name(pointOf(k), done);
      });
    },
    focused() {
      const k = indexOf(document.activeElement);
      return k < 0 ? null : { point: pointOf(k), cell: cells[k] };
    },
    clear() {
      element.hidden = true;
      element.replaceChildren();
      element.removeAttribute('aria-label');
      cells = [];
      nx = ny = 0;
    },
  };
}
