/**
 * The map's points for the keyboard and for screen readers: a WAI-ARIA grid laid over the drawn
 * cells, one gridcell per point, rows from the top as drawn (the largest y first). One Tab stop
 * (roving tabindex); arrow keys move between points, Home and End to a row's ends, Ctrl+Home and
 * Ctrl+End to the first and last point; Enter or Space opens a point. The picture under it is
 * redrawn as runs finish, but this grid is built once per sweep and only renamed, so the focus
 * stays where it is meanwhile. It takes no pointer events: the picture's own cells have those.
 */
import { LARGE_MAP, PHASE_PLOT, PHASE_SIZE } from '../view/phase.ts';

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

/** Places an element over the picture's plot: the picture scales with the drawer, so in shares of its size. */
export function overPlot(el: HTMLElement): void {
  Object.assign(el.style, {
    left: pct(PHASE_PLOT.left, PHASE_SIZE.width),
    top: pct(PHASE_PLOT.top, PHASE_SIZE.height),
    width: pct(PHASE_PLOT.width, PHASE_SIZE.width),
    height: pct(PHASE_PLOT.height, PHASE_SIZE.height),
  });
}

export function pointGrid(describedBy: string, on: PointGridHooks): PointGrid {
  const element = document.createElement('div');
  element.className = 'sweep-grid';
  element.setAttribute('role', 'grid');
  // A grid without rows is not a grid: hidden until there is a sweep.
  element.hidden = true;
  overPlot(element);
  let nx = 0;
  let ny = 0;
  /**
   * The cells in grid order (y outer, x inner), as the sweep's results are; in a virtual grid
   * (a large map: more than LARGE_MAP points) only the focused point's cell is in the page, as its row's
   * one cell, and the grid says its size (aria-rowcount, aria-colcount) and each cell its place.
   */
  let cells: HTMLElement[] = [];
  let virtual: HTMLElement | null = null;
  let settled = new Uint8Array(0);
  let stop = 0;
  /** Each point's name: as it finished, else as it was named when the sweep began. */
  let first: (p: Point) => string = () => '';
  let finishedNow: readonly unknown[] = [];
  let finishedName: ((p: Point, done: never) => string) | null = null;
  const nameOf = (k: number) => (finishedNow[k] && finishedName ? finishedName(pointOf(k), finishedNow[k] as never) : first(pointOf(k)));

  const pointOf = (k: number): Point => [k % nx, Math.floor(k / nx)];
  const indexOf = (cell: Element | null) => (!cell ? -1 : virtual ? (cell === virtual ? stop : -1) : cells.indexOf(cell as HTMLElement));
  const makeCell = (k: number) => {
    const cell = document.createElement('div');
    cell.setAttribute('role', 'gridcell');
    cell.tabIndex = -1;
    cell.ariaLabel = nameOf(k);
    return cell;
  };

  /** The virtual grid's row and cell for point k, placed over it. */
  const virtualCell = (k: number) => {
    const [xi, yi] = pointOf(k);
    const cell = makeCell(k);
    cell.setAttribute('aria-colindex', String(xi + 1));
    Object.assign(cell.style, { left: pct(xi, nx), top: pct(ny - 1 - yi, ny), width: pct(1, nx), height: pct(1, ny) });
    const row = document.createElement('div');
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(ny - yi));
    row.append(cell);
    return { row, cell };
  };

  /** Makes cell k the grid's one Tab stop, and the one the tooltip describes. */
  const rove = (k: number) => {
    const from = virtual ?? cells[stop];
    from.tabIndex = -1;
    from.removeAttribute('aria-describedby');
    stop = k;
    const to = virtual ?? cells[k];
    to.tabIndex = 0;
    to.setAttribute('aria-describedby', describedBy);
  };

  /** Moves the focus to point k: in a virtual grid, to a new cell put in for it (so it is announced). */
  const focusPoint = (k: number) => {
    if (!virtual) return cells[k].focus();
    const old = virtual.parentElement!;
    const { row, cell } = virtualCell(k);
    element.append(row);
    virtual = cell;
    rove(k);
    cell.focus();
    old.remove();
  };

  element.addEventListener('focusin', (e) => {
    const k = indexOf(e.target as Element);
    if (k < 0) return;
    rove(k);
    on.focus({ point: pointOf(k), cell: virtual ?? cells[k] });
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
    if (to) focusPoint(to[1] * nx + to[0]);
    else on.open(pointOf(k));
  });

  return {
    element,
    reset(label, nxNew, nyNew, name) {
      nx = nxNew;
      ny = nyNew;
      first = name;
      finishedNow = [];
      finishedName = null;
      element.ariaLabel = label;
      element.hidden = false;
      settled = new Uint8Array(nx * ny);
      stop = (ny - 1) * nx;
      const big = nx * ny > LARGE_MAP;
      element.classList.toggle('virtual', big);
      if (big) {
        element.setAttribute('aria-rowcount', String(ny));
        element.setAttribute('aria-colcount', String(nx));
        cells = [];
        const { row, cell } = virtualCell(stop);
        virtual = cell;
        element.replaceChildren(row);
      } else {
        element.removeAttribute('aria-rowcount');
        element.removeAttribute('aria-colcount');
        virtual = null;
        cells = Array.from({ length: nx * ny }, (_, k) => makeCell(k));
        const rows = Array.from({ length: ny }, (_, r) => {
          const row = document.createElement('div');
          row.setAttribute('role', 'row');
          const yi = ny - 1 - r;
          row.append(...cells.slice(yi * nx, (yi + 1) * nx));
          return row;
        });
        element.replaceChildren(...rows);
      }
      rove(stop);
    },
    settle(finished, name) {
      finishedNow = finished;
      finishedName = name as (p: Point, done: never) => string;
      if (virtual) {
        if (finished[stop] && !settled[stop]) {
          settled[stop] = 1;
          virtual.ariaLabel = nameOf(stop);
        }
        return;
      }
      finished.forEach((done, k) => {
        if (!done || settled[k]) return;
        settled[k] = 1;
        cells[k].ariaLabel = name(pointOf(k), done);
      });
    },
    focused() {
      const k = indexOf(document.activeElement);
      return k < 0 ? null : { point: pointOf(k), cell: virtual ?? cells[k] };
    },
    clear() {
      element.hidden = true;
      element.replaceChildren();
      element.removeAttribute('aria-label');
      cells = [];
      virtual = null;
      nx = ny = 0;
    },
  };
}
