/**
 * Runs the How-we-know checks in a worker of their own (a few seconds of simulation), so the
 * lab's own run never waits for them, and draws the table when they come back.
 */
import { renderHowWeKnow } from '../view/how-we-know.ts';
import { createSimClient } from '../worker/client.ts';

/** The checks take a few seconds; this long without an answer means their worker stopped. */
const CHECKS_STALL_MS = 30_000;

export function wireHowWeKnow(details: HTMLDetailsElement, root: HTMLElement): void {
  let started = false;
  renderHowWeKnow(root, null, 'Open to hold this engine against published results: it runs them now, in your browser.');
  // The bar's "How we know" button opens the section too (and so runs the checks).
  for (const b of document.querySelectorAll<HTMLElement>('[data-open="checks"]')) b.addEventListener('click', () => (details.open = true));
  details.addEventListener('toggle', () => {
    if (!details.open || started) return;
    started = true;
    renderHowWeKnow(root, null, 'Running the checks (a few seconds)…');
    run(1);
  });

  /** One try of the checks; a worker that stops answering is tried once more, then the section says so. */
  function run(tries: number): void {
    let answered = false;
    const client = createSimClient((m) => {
      if (m.type === 'validated') {
        answered = true;
        clearTimeout(watchdog);
        const failed = m.rows.filter((r) => !r.pass).length;
        renderHowWeKnow(root, m.rows, `${m.rows.length - failed} of ${m.rows.length} checks pass, measured just now on the engine you are using.`);
        client.terminate();
      } else if (m.type === 'failed' || m.type === 'refused') {
        answered = true;
        clearTimeout(watchdog);
        renderHowWeKnow(root, null, `The checks could not run (${m.message}). Close and open this section to try again.`);
        started = false;
        client.terminate();
      }
    });
    const watchdog = setTimeout(() => {
      if (answered) return;
      client.terminate();
      if (tries < 2) {
        renderHowWeKnow(root, null, 'The checks stopped answering; running them again…');
        run(tries + 1);
      } else {
        renderHowWeKnow(root, null, 'The checks stopped answering again. Close and open this section to try again.');
        started = false;
      }
    }, CHECKS_STALL_MS);
    client.send({ type: 'validate' });
  }
}
