/**
 * The page's fixed controls — play, step, restart, speed, model, links, files, help, the keyboard —
 * and the store's subscription that keeps them (and the notice and failure panels) up to date.
 */
import { compareWith, stopCompare } from './comparing.ts';
import { copy, escapeAttr, exportGif, exportView, openModelFile, saveModel } from './files.ts';
import { $, type Lab } from './lab.ts';
import { currentLink, writeUrl } from './link.ts';
import type { Session } from './session.ts';
import { forgetStory, goToChapter } from './teaching.ts';

export function wireControls(lab: Lab, session: Session): void {
  const { store } = lab;
  const play = $<HTMLButtonElement>('play');
  play.addEventListener('click', () => store.setState({ playing: !store.getState().playing }));
  $('step').addEventListener('click', () => {
    store.setState({ playing: false });
    const simS = store.getState().model?.sampleEveryS ?? 60;
    session.send({ type: 'advance', simS });
  });
  $('restart').addEventListener('click', () => session.send({ type: 'restart' }));
  const speed = $<HTMLSelectElement>('speed');
  speed.addEventListener('change', () => store.setState({ speed: Number(speed.value) }));
  const picker = $<HTMLSelectElement>('model');
  picker.addEventListener('change', () => {
    store.setState({ playing: false, notice: null });
    lab.run.seed = undefined;
    forgetStory(lab);
    session.load(picker.value);
  });
  $('copy-link').addEventListener('click', () => copy(store, currentLink(lab), 'Link'));
  $('copy-embed').addEventListener('click', () =>
    copy(store, `<iframe src="${escapeAttr(currentLink(lab, '&embed=1'))}" title="Cascade Lab" width="100%" height="720" style="border:0" loading="lazy"></iframe>`, 'Embed code'),
  );
  $('failure-restart').addEventListener('click', () => session.restartAfterFailure());
  $('hint-close').addEventListener('click', () => ($('hint').hidden = true));
  $('compare-stop').addEventListener('click', () => stopCompare(lab));
  $('export-csv').addEventListener('click', () => session.send({ type: 'export', format: 'csv' }));
  $('export-json').addEventListener('click', () => session.send({ type: 'export', format: 'json' }));
  $('save-model').addEventListener('click', () => saveModel(lab));
  $('export-view').addEventListener('click', () => exportView(store));
  $('export-gif').addEventListener('click', () => void exportGif(lab, session, Number($<HTMLSelectElement>('gif-span').value)));
  const file = $<HTMLInputElement>('open-model');
  file.addEventListener('change', () => {
    if (file.files?.[0]) void openModelFile(lab, session, file.files[0]);
    file.value = '';
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files?.[0];
    if (f) void openModelFile(lab, session, f);
  });
  wireKeys(lab, session);
  store.subscribe((s, prev) => {
    if (prev.playing && !s.playing) writeUrl(lab);
    play.textContent = s.playing ? 'Pause' : 'Play';
    play.setAttribute('aria-pressed', String(s.playing));
    if (s.params !== prev.params) lab.views?.controls.update(s.params);
    if (s.region !== prev.region || s.service !== prev.service || s.playing !== prev.playing) lab.dirty = true;
    const notice = $('notice');
    notice.textContent = s.notice ?? '';
    notice.hidden = !s.notice;
    $('failure').hidden = !s.failure;
    $('failure-message').textContent = s.failure ? `The simulation stopped: ${s.failure}` : '';
    picker.value = s.modelId;
  });
}

/** Help, and the keys: space plays, R restarts, C compares, the arrows page through the story. */
function wireKeys(lab: Lab, session: Session): void {
  const { store } = lab;
  const help = $<HTMLDialogElement>('help');
  $('help-open').addEventListener('click', () => help.showModal());
  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    // Keys that belong to the focused control (a slider, a region or service acting as a button) stay there.
    const typing = /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName) || ['slider', 'button'].includes(target.getAttribute('role') ?? '');
    if (e.key === ' ' && !typing) {
      e.preventDefault();
      store.setState({ playing: !store.getState().playing });
    } else if (e.key === '?' && !help.open) {
      help.showModal();
    } else if ((e.key === 'r' || e.key === 'R') && !typing && !e.ctrlKey && !e.metaKey) {
      session.send({ type: 'restart' });
    } else if ((e.key === 'c' || e.key === 'C') && !typing && !e.ctrlKey && !e.metaKey) {
      const first = store.getState().model?.whatIfs[0];
      if (lab.compare.run) stopCompare(lab);
      else if (first) compareWith(lab, `w:${first.id}`);
    } else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && !typing && !e.altKey) {
      const n = store.getState().model?.story.length ?? 0;
      if (n === 0) return;
      e.preventDefault();
      const chapter = lab.story.chapter;
      goToChapter(lab, session, e.key === 'ArrowRight' ? Math.min(n - 1, chapter + 1) : Math.max(0, chapter - 1));
    }
  });
}
