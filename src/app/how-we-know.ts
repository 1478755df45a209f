/**
 * Runs the How-we-know checks in a worker of their own (a few seconds of simulation), so the
 * lab's own run never waits for them, and draws the table when they come back.
 */
import { renderHowWeKnow } from '../view/how-we-know.ts';
import { createSimClient } from '../worker/client.ts';

export function wireHowWeKnow(details: HTMLDetailsElement, root: HTMLElement): void {
  let started = false;
  renderHowWeKnow(root, null, 'Open to hold this engine against published results: it runs them now, in your browser.');
  // The bar's "How we know" button opens the section too (and so runs the checks).
  for (const b of document.querySelectorAll<HTMLElement>('[data-open="checks"]')) b.addEventListener('click', () => (details.open = true));
  details.addEventListener('toggle', () => {
    if (!details.open || started) return;
    started = true;
    renderHowWeKnow(root, null, 'Running the checks (a few seconds)…');
    const client = createSimClient((m) => {
      if (m.type === 'validated') {
        const failed = m.rows.filter((r) => !r.pass).length;
        renderHowWeKnow(root, m.rows, `${m.rows.length - failed} of ${m.rows.length} checks pass, measured just now on the engine you are using.`);
        client.terminate();
      } else if (m.type === 'failed' || m.type === 'refused') {
        renderHowWeKnow(root, null, `The checks could not run (${m.message}). Close and open this section to try again.`);
        started = false;
        client.terminate();
      }
    });
    client.send({ type: 'validate' });
  });
}
