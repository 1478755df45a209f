/**
 * The composition root: the store, the simulation session and the views, wired so that data flows
 * one way — controls report actions to the store → the session, the link and the views follow it
 * → the worker applies parameters at its next step → frames come back → the views draw the latest
 * frame.
 */
import type { Action } from '../engine/model.ts';
import { followComparison } from './compare-panel.ts';
import { startFrameLoop } from './draw.ts';
import { watchEmbedding } from './embed.ts';
import { download } from './files.ts';
import { wireHowWeKnow } from './how-we-know.ts';
import { wireControls } from './input.ts';
import { createLab } from './lab.ts';
import { currentLink, followLink } from './link.ts';
import { startup } from './build/startup.ts';
import { wireBuild } from './build/wire.ts';
import { offerOpening } from './opening.ts';
import { hideForLink } from './panels.ts';
import { Session } from './session.ts';
import { createLabStore } from './store.ts';
import { wireSweep } from './sweep.ts';
import { followMoment, followTeaching, showVerdict } from './teaching.ts';
import { decodeLink, opToAction } from './url.ts';
import { buildViews } from './views.ts';

// The catalog holds a model built in the page too, and the link's own (`m`), read before this starts (boot.ts).
const { catalog, search, notices: startNotices } = startup();
const link = decodeLink(search, catalog);
const store = createLabStore({
  modelId: link.state.model,
  seed: link.state.seed,
  chapter: link.state.chapter !== undefined ? link.state.chapter - 1 : -1,
  compareKey: link.state.compare,
  presenter: link.page.present,
  notice: startNotices.length || link.notices.length ? [...startNotices, ...link.notices].join(' ') : null,
});
const lab = createLab(store, catalog, link.state, link.page);
const comparison = followComparison(lab);
let opening = link.opening;
const session: Session = new Session(lab, {
  buildViews: (model) => {
    buildViews(lab, model);
    if (opening) {
      opening = false;
      offerOpening(lab);
    }
  },
  download: (filename, text, type) => download(store, filename, text, type),
  showVerdict: (verdict) => showVerdict(lab, verdict),
  loaded: () => comparison.loaded(),
  frame: (f, settled) => {
    if (f.score) lab.teach?.score(f.score);
    comparison.frame(f, settled);
    followMoment(lab);
  },
});
followTeaching(lab, session);
followLink(store, catalog);

const onScreen = watchEmbedding(link.page, () => currentLink(store, catalog));
hideForLink(link.page.hide);
wireControls(lab);
wireSweep(lab, link.state.sweep);
wireHowWeKnow(document.getElementById('how-we-know') as HTMLDetailsElement, document.getElementById('how-we-know-body')!);
wireBuild(lab, session, catalog);
session.load(catalog.builtEntry(link.state.model)?.data ?? link.state.model, {
  seed: link.state.seed,
  params: link.state.params,
  changes: link.state.changes?.map((c) => ('action' in c ? { t: c.t, action: opToAction(c.action) as unknown as Action } : c)),
});
startFrameLoop(lab, session, onScreen, (now) => comparison.checkHeartbeat(now));
