/**
 * The composition root: the store, the simulation session and the views, wired so that data flows
 * one way — controls write parameters → the worker applies them at its next step → frames come
 * back → the views draw the latest frame.
 */
import type { Action } from '../engine/model.ts';
import { startFrameLoop } from './draw.ts';
import { watchEmbedding } from './embed.ts';
import { download } from './files.ts';
import { wireHowWeKnow } from './how-we-know.ts';
import { wireControls } from './input.ts';
import { createLab } from './lab.ts';
import { builtinCatalog, currentLink } from './link.ts';
import { hideForLink } from './panels.ts';
import { Session } from './session.ts';
import { createLabStore } from './store.ts';
import { wireSweep } from './sweep.ts';
import { showVerdict } from './teaching.ts';
import { decodeLink, opToAction } from './url.ts';
import { buildViews } from './views.ts';

const catalog = builtinCatalog();
const link = decodeLink(location.search, catalog);
const store = createLabStore({ modelId: link.state.model, notice: link.notices.length ? link.notices.join(' ') : null });
const lab = createLab(store, catalog, link);
const session: Session = new Session(lab, {
  buildViews: (model) => buildViews(lab, session, model),
  download: (filename, text, type) => download(store, filename, text, type),
  showVerdict: (verdict) => showVerdict(lab, verdict),
});

const onScreen = watchEmbedding(link.page, () => currentLink(lab));
hideForLink(link.page.hide);
document.documentElement.classList.toggle('present', link.page.present);
wireControls(lab, session);
wireSweep(lab, session, link.state.sweep);
wireHowWeKnow(document.getElementById('how-we-know') as HTMLDetailsElement, document.getElementById('how-we-know-body')!);
session.load(link.state.model, {
  seed: lab.run.seed,
  params: link.state.params,
  changes: link.state.changes?.map((c) => ('action' in c ? { t: c.t, action: opToAction(c.action) as unknown as Action } : c)),
});
startFrameLoop(lab, session, onScreen);
