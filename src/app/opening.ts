/**
 * A link that names no moment opens at the model's `opensAt` (the storm), paused, with Play
 * focused, and two ways on beside the caption: watch from the start, or start the story. They go
 * once the person has chosen, played, or the run is made again.
 */
import type { Lab } from './lab.ts';

export function offerOpening(lab: Lab): void {
  const { store } = lab;
  const caption = document.getElementById('caption');
  if (!caption) return;
  const box = document.createElement('div');
  box.className = 'opening';
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', 'Where to begin');
  const button = (text: string, title: string, act: () => void) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.title = title;
    b.addEventListener('click', () => {
      box.remove();
      act();
    });
    return b;
  };
  box.append(
    button('Watch from the start', 'Go back to the start of the run and play it', () => store.getState().playFromStart()),
    ...(store.getState().model?.story.length ? [button('Start the story', 'The story chapter by chapter, from the first', () => store.getState().goToChapter(0))] : []),
  );
  // Beside Previous and Next when the story has them: the stage keeps its room.
  const nav = caption.querySelector('.story-nav');
  if (nav) nav.prepend(box);
  else caption.append(box);
  const unsubscribe = store.subscribe((s, prev) => {
    if ((s.playing && !prev.playing) || s.chapter !== prev.chapter || s.whatIfs !== prev.whatIfs) {
      box.remove();
      unsubscribe();
    }
  });
  document.getElementById('play')?.focus({ preventScroll: true });
}
