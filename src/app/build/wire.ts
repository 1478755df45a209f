/**
 * The Build view's place in the page: the bar's **Build** button, the builder's store, and the
 * run following it. Each draft the loader takes is run as a model opened from a file is (the
 * session's `open`): the page's what-ifs, comparison, sweeps, scoreboard, story and exports see an
 * ordinary model; the link carries it under `m`. A draft the loader refuses runs nothing: the
 * last valid model goes on.
 */
import { parseValue, type ParamValue } from '../../params/registry.ts';
import { createBuildPanel } from '../../view/build-panel.ts';
import type { Json } from './json-patch.ts';
import { copy, saveModel } from '../files.ts';
import type { Lab } from '../lab.ts';
import { catalogLinkChanged, currentLink } from '../link.ts';
import type { Session } from '../session.ts';
import { MAX_SHARED_LINK_CHARS } from '../url.ts';
import { FRAME_METRICS } from '../../worker/protocol.ts';
import type { BuildCatalog } from './catalog.ts';
import type { Draft } from './edits.ts';
import { encodeModelLink } from './model-link.ts';
import { createBuildStore, type BuildStore } from './state.ts';
import { builtinData, fromModel, isTemplate, template } from './templates.ts';
import '../build.css';

/** Longest an edit that runs waits for its run's first frame before the form is drawn again. */
const FORM_WAITS_MS = 500;

export function wireBuild(lab: Lab, session: Session, catalog: BuildCatalog): BuildStore {
  const build = createBuildStore();
  const { store } = lab;
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'build-open';
  button.textContent = 'Build';
  button.title = 'Build your own system: edit the dependency graph, its faults and its regions';
  button.setAttribute('aria-controls', 'build');
  button.setAttribute('aria-expanded', 'false');
  const help = document.getElementById('help-open');
  if (help?.parentElement) help.parentElement.insertBefore(button, help);

  /** The model on screen as data, and the built-in model it is (or started from). */
  const current = (): { data: unknown; origin: string | null } => {
    const m = lab.run.modelData;
    if (typeof m === 'string') return { data: builtinData(m), origin: builtinData(m) ? m : null };
    const id = catalog.builtIdOf?.(m);
    return { data: m, origin: id ? catalog.builtEntry(id)?.origin ?? null : null };
  };

  /** The next draft the builder starts with is the model on screen: it already runs. */
  let quietStart = false;
  const startFrom = (kind: string) => {
    if (isTemplate(kind)) build.getState().start(template(kind), null);
    else {
      const { data, origin } = current();
      if (!data) return;
      quietStart = true;
      build.getState().start(fromModel(data), origin);
      quietStart = false;
    }
  };

  const panel = createBuildPanel(build, {
    startFrom,
    copyLink: () => {
      const link = currentLink(store, catalog);
      if (link.length > MAX_SHARED_LINK_CHARS) store.getState().say(tooLong(link.length));
      else void copy(store, link, 'Link');
    },
    saveModel: () => saveModel(lab),
    linkLength: () => (store.getState().modelId === build.getState().valid?.id ? currentLink(store, catalog).length : null),
    loadAt: () => loadAt(lab),
  });
  document.querySelector('.layout')?.prepend(panel.root);

  const show = (open: boolean) => {
    document.documentElement.classList.toggle('building', open);
    button.setAttribute('aria-expanded', String(open));
    panel.root.hidden = !open;
    lab.dirty = true;
    // The stage's views lay out for the room they have.
    window.dispatchEvent(new Event('resize'));
  };
  button.addEventListener('click', () => {
    const s = build.getState();
    if (s.open) return s.closeView();
    if (!s.draft || s.draft.id !== store.getState().model?.id) startFrom('current');
    s.openView();
    panel.focus();
  });
  /**
   * An edit that runs is drawn in the form once its run is drawn: the field edited shows its value
   * already, and drawing the form again (a big model's form is over a thousand elements) would
   * hold the run's first frame back. If no frame comes, the form is drawn anyway, a little later.
   */
  let formWaits = false;
  let formTimer: ReturnType<typeof setTimeout> | undefined;
  const drawForm = () => {
    formWaits = false;
    clearTimeout(formTimer);
    panel.render(build.getState());
  };
  build.subscribe((s, prev) => {
    if (s.open !== prev.open) {
      show(s.open);
      if (!s.open) button.focus({ preventScroll: true });
    }
    const sent = !!s.valid && s.valid !== prev.valid && !quietStart;
    if (sent) run(s.valid!, s.origin);
    if (s.version === prev.version && s.open === prev.open) return;
    if (sent && s.open && prev.open) {
      formWaits = true;
      clearTimeout(formTimer);
      formTimer = setTimeout(drawForm, FORM_WAITS_MS);
    } else drawForm();
  });
  // The model list names a built model while it runs (it cannot be chosen again from there: Build edits it).
  const picker = document.getElementById('model') as HTMLSelectElement | null;
  store.subscribe((s, prev) => {
    const entry = catalog.builtEntry(s.modelId);
    if (picker && entry && (s.modelId !== prev.modelId || s.model !== prev.model)) {
      picker.querySelector('option.built')?.remove();
      const option = new Option(s.model?.title ?? entry.id, entry.id, false, true);
      option.className = 'built';
      option.disabled = true;
      picker.append(option);
      picker.value = entry.id;
    } else if (picker && !entry && s.modelId !== prev.modelId) picker.querySelector('option.built')?.remove();
    if (build.getState().open && (s.recipe !== prev.recipe || s.modelId !== prev.modelId || s.t !== prev.t)) panel.status();
  });
  /** The link of the draft sent to run, encoded once its first frame is drawn (it is not needed before). */
  let linkAfterFrame: (() => void) | null = null;
  document.addEventListener('lab:frame', () => {
    if (formWaits) setTimeout(drawForm);
    else if (build.getState().open) panel.frame();
    const encode = linkAfterFrame;
    linkAfterFrame = null;
    if (encode) setTimeout(encode);
  });

  // Undo and redo: the buttons, and Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) while the view is open.
  document.addEventListener('keydown', (e) => {
    if (!build.getState().open || !(e.ctrlKey || e.metaKey) || e.altKey) return;
    const key = e.key.toLowerCase();
    if (key !== 'z' && key !== 'y') return;
    // A text being typed keeps its own undo until it is committed.
    const el = document.activeElement as HTMLInputElement | null;
    if (el && el.tagName === 'INPUT' && (el.type === 'text' || el.type === 'number') && el.value !== el.defaultValue) return;
    e.preventDefault();
    if (key === 'y' || e.shiftKey) build.getState().redo();
    else build.getState().undo();
  });

  let runs = 0;
  /**
   * Runs a draft the loader took, at once; its link is encoded once the run is drawn (deflating
   * takes a few tasks) and the address bar written again when it is ready. Newest wins.
   */
  const run = (draft: Draft, origin: string | null) => {
    const n = ++runs;
    const checked = build.getState().checked;
    const loaded = checked?.ok && build.getState().valid === draft ? checked.loaded : null;
    if (!loaded) return;
    const previous = catalog.builtEntry(draft.id);
    catalog.register({ id: draft.id, data: draft, loaded, link: previous?.link ?? '', origin });
    linkAfterFrame = () =>
      void encodeModelLink(draft as unknown as Json, origin).then((link) => {
        if (n !== runs) return;
        catalog.register({ id: draft.id, data: draft, loaded, link, origin });
        catalogLinkChanged();
        panel.status();
      });
    const s = store.getState();
    const entering = s.modelId !== draft.id;
    // Settings changed on the page (not the model's defaults) go on, where the new model has them.
    const params: Record<string, ParamValue> = {};
    const now = (lab.run.recipe?.params ?? s.params) as Record<string, ParamValue>;
    for (const def of loaded.params) {
      const was = s.model?.params.find((p) => p.id === def.id);
      if (!was || !Object.hasOwn(now, def.id) || now[def.id] === was.default) continue;
      const parsed = parseValue(def, now[def.id]);
      if (parsed.ok) params[def.id] = parsed.value;
    }
    const at = build.getState().keepTime ? Math.min(session.target(), loaded.model.durationS) : undefined;
    performance.mark('build:open');
    session.open(draft, { seed: s.seed, params }, () => entering && store.getState().forgetRun(), at);
  };
  return build;
}

function tooLong(chars: number): string {
  return `Link not copied: this built model's link would be ${chars.toLocaleString('en-US')} characters, more than the ${MAX_SHARED_LINK_CHARS.toLocaleString('en-US')} that servers reliably accept. Save model saves it as a file to share instead (Share → Save model, or the button in Build).`;
}

/** Each service's offered load in the selected region, and what it is as a multiple of its new work. */
export function loadAt(lab: Lab): { service: string; label: string; offered: number; demand: number }[] {
  const { model, region } = lab.store.getState();
  const f = lab.run.latest;
  if (!model || !f) return [];
  const r = Math.max(0, model.regions.findIndex((x) => x.id === region));
  const S = model.services.length;
  const per = FRAME_METRICS.length;
  const demand = FRAME_METRICS.indexOf('demand');
  const offered = FRAME_METRICS.indexOf('offered');
  return model.services.map((svc, j) => {
    const k = (r * S + j) * per;
    return { service: svc.id, label: svc.label, demand: f.metrics[k + demand], offered: f.metrics[k + offered] };
  });
}
