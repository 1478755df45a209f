/**
 * Runs the How-we-know checks in a worker of their own (a few seconds of simulation), so the
 * lab's own run never waits for them, and draws the table when they come back.
 */
import { renderHowWeKnow } from '../view/how-we-know.ts';
import { createSimClient } from '../worker/client.ts';
import type { CheckResult as CheckRow } from '../engine/validation.ts';

/** A part of the checks takes a second or two; this long without its answer means their worker stopped. */
const PART_STALL_MS = 10_000;

export function wireHowWeKnow(details: HTMLDetailsElement, root: HTMLElement): void {
  let started = false;
  renderHowWeKnow(root, null, 'Open to hold this engine against published results: it runs them now, in your browser.');
  // The bar's "How we know" button opens the section too (and so runs the checks).
  for (const b of document.querySelectorAll<HTMLElement>('[data-open="checks"]')) b.addEventListener('click', () => (details.open = true));
  details.addEventListener('toggle', () => {
    if (!details.open || started) return;
    started = true;
    renderHowWeKnow(root, null, 'Running the checks…');
    run([], 0, 1);
  });

  /**
   * Runs the checks part by part from `part` on, `rows` being what earlier parts found. A worker
   * that stops answering a part is replaced once, and the checks go on from that part; a second
   * silence is said.
   */
  function run(rows: CheckRow[], part: number, tries: number): void {
    let watchdog = 0;
    const client = createSimClient((m) => {
      if (m.type === 'validated') {
        clearTimeout(watchdog);
        rows.push(...m.rows);
        if (m.part + 1 < m.parts) {
          renderHowWeKnow(root, null, `Running the checks: ${m.part + 1} of ${m.parts} parts done…`);
          ask(m.part + 1);
          return;
        }
        const failed = rows.filter((r) => !r.pass).length;
        renderHowWeKnow(root, rows, `${rows.length - failed} of ${rows.length} checks pass, measured just now on the engine you are using.`);
        client.terminate();
      } else if (m.type === 'failed' || m.type === 'refused') {
        clearTimeout(watchdog);
        renderHowWeKnow(root, null, `The checks could not run (${m.message}). Close and open this section to try again.`);
        started = false;
        client.terminate();
      }
    });
    const ask = (k: number) => {
      watchdog = window.setTimeout(() => {
        client.terminate();
        if (tries < 2) {
          renderHowWeKnow(root, null, 'The checks stopped answering; running them again…');
          run(rows, k, tries + 1);
        } else {
          renderHowWeKnow(root, null, 'The checks stopped answering again. Close and open this section to try again.');
          started = false;
        }
      }, PART_STALL_MS);
      client.send({ type: 'validate', part: k });
    };
    ask(part);
  }
}
