/**
 * The page's fixed controls — play, step, restart, speed, model, links, files, help, the keyboard —
 * and the store's subscription that keeps them (and the notice and failure panels) up to date.
 */
import { copy, escapeAttr, exportGif, exportView, openModelFile, saveModel } from './files.ts';
import { $, type Lab } from './lab.ts';
import { currentLink, linkLeavesOut } from './link.ts';
import { MAX_SHARED_LINK_CHARS } from './url.ts';
import { formatCount } from '../view/format.ts';
import { wirePanels } from './panels.ts';

export function wireControls(lab: Lab): void {
  const { store } = lab;
  const play = $<HTMLButtonElement>('play');
  play.addEventListener('click', () => togglePlay(lab));
  $('step').addEventListener('click', () => store.getState().step());
  $('restart').addEventListener('click', () => store.getState().restart());
  const speed = $<HTMLSelectElement>('speed');
  speed.addEventListener('change', () => store.getState().setSpeed(Number(speed.value)));
  const picker = $<HTMLSelectElement>('model');
  picker.addEventListener('change', () => {
    // Read the choice before anything else: the store's subscriber keeps the picker on the loaded model.
    store.getState().openModel(picker.value);
  });
  // A link past the budget leaves part of the run out (link.ts): say so rather than share it as the run.
  const share = (text: () => string, what: string) => {
    const left = linkLeavesOut(store, lab.catalog);
    if (left)
      store.getState().say(`${what} not copied: this run's link would be ${formatCount(left.fullLength)} characters, more than the ${formatCount(MAX_SHARED_LINK_CHARS)} that servers reliably accept (every change and operator action is in it). Download CSV keeps the whole run's numbers and Save model its settings; or undo some actions and copy again.`);
    else void copy(store, text(), what);
  };
  $('copy-link').addEventListener('click', () => share(() => currentLink(store, lab.catalog), 'Link'));
  $('copy-embed').addEventListener('click', () => share(() => embedCode(lab), 'Embed code'));
  $('failure-restart').addEventListener('click', () => store.getState().restartSimulation());
  wirePanels();
  wireOpenFull(lab);
  $('compare-stop').addEventListener('click', () => store.getState().compare(undefined));
  $('export-csv').addEventListener('click', () => store.getState().exportRun('csv'));
  $('export-json').addEventListener('click', () => store.getState().exportRun('json'));
  $('save-model').addEventListener('click', () => saveModel(lab));
  $('export-view').addEventListener('click', () => exportView(lab));
  $('export-gif').addEventListener('click', () => void exportGif(lab, Number($<HTMLSelectElement>('gif-span').value)));
  const file = $<HTMLInputElement>('open-model');
  file.addEventListener('change', () => {
    if (file.files?.[0]) void openModelFile(lab, file.files[0]);
    file.value = '';
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files?.[0];
    if (f) void openModelFile(lab, f);
  });
  wireKeys(lab);
  // A narrow embed shows the map or the graph: the switch says which.
  for (const b of document.querySelectorAll<HTMLButtonElement>('#stage-switch button')) {
    b.addEventListener('click', () => {
      document.documentElement.classList.toggle('show-graph', b.dataset.show === 'graph');
      for (const other of document.querySelectorAll('#stage-switch button')) other.setAttribute('aria-pressed', String(other === b));
    });
  }
  const present = $<HTMLButtonElement>('present');
  present.addEventListener('click', () => store.getState().setPresenter(!store.getState().presenter));
  const showPresenter = (on: boolean) => {
    document.documentElement.classList.toggle('present', on);
    present.setAttribute('aria-pressed', String(on));
    present.setAttribute('aria-label', on ? 'Leave presenter mode' : 'Presenter mode');
    present.title = on ? 'Leave presenter mode (P)' : 'Presenter mode: large type for a room (P)';
  };
  showPresenter(store.getState().presenter);
  store.subscribe((s, prev) => {
    if (s.presenter !== prev.presenter) showPresenter(s.presenter);
    play.textContent = s.playing ? 'Pause' : 'Play';
    // The map's arcs and glows move only while the run plays.
    document.documentElement.classList.toggle('playing', s.playing);
    play.setAttribute('aria-pressed', String(s.playing));
    if (s.params !== prev.params) lab.views?.controls.update(s.params);
    if (s.whatIfs !== prev.whatIfs) lab.teach?.chips(s.whatIfs);
    if (s.speed !== prev.speed && speed.value !== String(s.speed)) speed.value = String(s.speed);
    if (s.region !== prev.region || s.service !== prev.service || s.playing !== prev.playing) lab.dirty = true;
    const notice = $('notice');
    notice.textContent = s.notice ?? '';
    notice.hidden = !s.notice;
    $('failure').hidden = !s.failure;
    $('failure-message').textContent = s.failure ? `The simulation stopped: ${s.failure}` : '';
    if (s.modelId !== prev.modelId || picker.value !== s.modelId) picker.value = s.modelId;
  });
}

/** Play or pause; Play at the end of the clock plays the run again from its start, as a video player does. */
function togglePlay(lab: Lab): void {
  const s = lab.store.getState();
  if (s.playing) s.pause();
  else if (lab.run.latest?.done) s.playFromStart();
  else s.play();
}

/** Keys a focused element uses itself, so the page's shortcuts leave them to it. */
export function keyBelongsTo(el: Element | null, key: string): boolean {
  if (!el || el === document.body || el === document.documentElement) return false;
  const tag = el.tagName;
  const role = el.getAttribute('role') ?? '';
  const type = (el as HTMLInputElement).type;
  const arrowsAndPages = /^(Arrow(Left|Right|Up|Down)|Page(Up|Down)|Home|End)$/.test(key);
  const activate = key === ' ' || key === 'Enter';
  // Text fields and lists take every key (type-ahead included).
  if (tag === 'TEXTAREA' || tag === 'SELECT' || (el as HTMLElement).isContentEditable) return true;
  if (tag === 'INPUT' && !['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'file'].includes(type)) return true;
  // Sliders and the map's grid of points move with the arrows and pages; the grid opens a point with Space.
  if ((tag === 'INPUT' && type === 'range') || role === 'slider') return arrowsAndPages;
  // The map's grid of points keeps every key while it has focus (its letters included).
  if (role === 'grid' || role === 'gridcell') return true;
  // Text that scrolls (a long caption) scrolls with the arrows and pages.
  if (role === 'region' && el.scrollHeight > el.clientHeight + 1) return arrowsAndPages || key === ' ';
  // Buttons, switches and links are pressed with Space or Enter.
  if (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY' || tag === 'INPUT' || role === 'button' || role === 'switch' || role === 'tab') return activate;
  return false;
}

/** Help, and the keys: Space plays, R restarts, C compares, P presents, the arrows and page keys page through the story. */
function wireKeys(lab: Lab): void {
  const { store } = lab;
  const help = $<HTMLDialogElement>('help');
  $('help-open').addEventListener('click', () => help.showModal());
  // A pointer click on a button does not leave focus on it: the keys stay the page's.
  document.addEventListener('click', (e) => {
    const button = (e.target as Element).closest?.('button, [role="button"], summary');
    if (e.detail > 0 && button && button === document.activeElement && !button.closest('dialog')) (button as HTMLElement).blur();
  });
  // Nor does a slider, a switch or a list set with the pointer: once it has its value, the keys
  // are the page's again (from the keyboard, focus stays, and the control keeps its keys).
  let pointerUsed = false;
  document.addEventListener('pointerdown', () => (pointerUsed = true), true);
  document.addEventListener('keydown', () => (pointerUsed = false), true);
  const letGo = (el: HTMLElement, what: string) => {
    if (pointerUsed && el === document.activeElement && el.matches(what) && !el.closest('dialog, .sweep-panel')) el.blur();
  };
  document.addEventListener('change', (e) => letGo(e.target as HTMLElement, 'select'));
  // A slider or a switch lets go when the pointer does (changed or not: a click on its value changes nothing).
  document.addEventListener('pointerup', (e) => {
    const el = e.target as HTMLElement;
    setTimeout(() => letGo(el, 'input[type="range"], input[type="checkbox"]'), 0);
  });
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || document.querySelector('dialog[open]')) return;
    if (keyBelongsTo(document.activeElement, e.key)) return;
    const s = store.getState();
    const chapters = s.model?.story.length ?? 0;
    const go = (step: number) => {
      if (chapters === 0) return;
      e.preventDefault();
      const at = s.chapter >= 0 ? s.chapter : lab.teach?.story.current() ?? -1;
      s.goToChapter(Math.max(0, Math.min(chapters - 1, at + step)));
    };
    switch (e.key) {
      case ' ':
        e.preventDefault();
        togglePlay(lab);
        break;
      case '?':
        help.showModal();
        break;
      case 'r':
      case 'R':
        s.restart();
        break;
      case 'c':
      case 'C': {
        const first = s.model?.whatIfs[0];
        if (s.compareKey !== undefined) s.compare(undefined);
        else if (first) s.compare(`w:${first.id}`);
        break;
      }
      case 'p':
      case 'P':
        s.setPresenter(!s.presenter);
        break;
      case 'ArrowRight':
      case 'PageDown':
        go(1);
        break;
      case 'ArrowLeft':
      case 'PageUp':
        go(-1);
        break;
    }
  });
}

/**
 * The embed code: an iframe of the stage (sandboxed as WordPress does) at a height that shows all
 * of it, and embed.js, which sizes it to the lab's content from then on (never below 400 px).
 */
export function embedCode(lab: Lab): string {
  const src = currentLink(lab.store, lab.catalog, '&embed=1');
  const script = new URL('embed.js', src).href;
  return (
    `<iframe src="${escapeAttr(src)}" title="Cascade Lab" sandbox="allow-scripts allow-popups" loading="lazy" style="width:100%;height:650px;min-height:400px;border:0"></iframe>\n` +
    `<script src="${escapeAttr(script)}" defer></script>`
  );
}

/**
 * "Open the full lab" from an embed. Inside `sandbox="allow-scripts"` (no popups) a new window
 * cannot open: then the link is shown as text to copy instead of failing without a word.
 */
function wireOpenFull(lab: Lab): void {
  const open = $<HTMLAnchorElement>('open-full');
  open.addEventListener('click', (e) => {
    const href = currentLink(lab.store, lab.catalog).replace(/[?&]embed=1/, '');
    open.href = href;
    e.preventDefault();
    let opened: Window | null = null;
    try {
      opened = window.open(href, '_blank');
    } catch {
      opened = null;
    }
    if (opened) {
      opened.opener = null;
      return;
    }
    const box = $<HTMLInputElement>('copy-box');
    box.value = href;
    box.hidden = false;
    box.focus();
    box.select();
    lab.store.getState().say('This page cannot open new windows: copy the link to the full lab from the box below.');
  });
}
