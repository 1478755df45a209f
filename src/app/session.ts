/**
 * The simulation session: the client that talks to the simulation, what it answers, and the ways
 * the page asks it for a run — load, seek, set a parameter, run again from the start. When the
 * simulation fails or stops answering, a new one is started and brought back to where the run was.
 */
import type { VerdictShown } from '../view/teach.ts';
import type { ParamValue } from '../params/registry.ts';
import { createSimClient, type SimClient } from '../worker/client.ts';
import type { Frame, FromWorkerMsg, ModelInfo, RecipeChange, ToWorkerMsg } from '../worker/protocol.ts';
import { formatTime } from '../view/format.ts';
import { compareWith, startCompare, stopCompare } from './compare-panel.ts';
import { History } from './history.ts';
import { $, type Lab } from './lab.ts';
import { writeUrl } from './link.ts';
import { followMoment } from './teaching.ts';

/** A request unanswered for this long means the simulation stopped answering. */
const HEARTBEAT_MS = 10_000;
/** Updates one seek request may ask for (a second or two even on a slow machine, well within the heartbeat). */
const SEEK_CHUNK_WORK = 1.5e6;

/** Simulated seconds one seek request covers: a long seek goes in such steps, each answered with a frame. */
export function seekChunkS(model: ModelInfo): number {
  const perS = (model.regions.length * model.services.length + model.flows.length) / model.dtS;
  return Math.max(model.sampleEveryS, Math.floor(SEEK_CHUNK_WORK / perS / model.sampleEveryS) * model.sampleEveryS);
}

type LoadOptions = Omit<Extract<ToWorkerMsg, { type: 'load' }>, 'type' | 'model'>;

/**
 * What the page does with the simulation's answers. The composition root supplies these, so the
 * session can start and restore runs without knowing how the page draws, saves or teaches.
 */
export interface SessionHooks {
  /** Builds the views for a model just loaded (its first frame follows at once). */
  buildViews(model: ModelInfo): void;
  download(filename: string, text: string, type: string): void;
  showVerdict(verdict: VerdictShown): void;
}

/** What a restored simulation must come back to: the time, the settings and the view. */
interface Restore {
  t: number;
  region: string;
  service: string;
  speed: number;
  compare: string | undefined;
}

export class Session {
  /** Replaced by a new one when the simulation fails or stops answering. */
  client: SimClient;
  private lastRecovery = -Infinity;
  /** Run B's last restore (performance.now()), to tell a failing comparison from a one-off fault. */
  private lastCompareRecovery = -Infinity;
  /** The run being brought back after a fault, until it is back where it was. */
  private restoring: Restore | null = null;
  /** Done once the model asked for is accepted (a refused model file changes nothing). */
  private onAccepted: (() => void) | null = null;
  /** The first load has not been accepted yet: what to try next if it is refused. */
  private startup: { model: string | object; options: LoadOptions } | null = null;

  constructor(
    private readonly lab: Lab,
    private readonly hooks: SessionHooks,
  ) {
    this.client = createSimClient((m) => this.receive(m));
  }

  /** Until when a long request (a what-if's two whole runs, an export) may go unanswered. */
  private patientUntil = 0;
  /** Where a long seek is going, one chunk at a time. */
  private seekGoal: number | null = null;

  send(msg: ToWorkerMsg): void {
    if (msg.type === 'whatIf' || msg.type === 'export') this.patientUntil = performance.now() + 120_000;
    this.seekGoal = null;
    this.client.send(msg);
  }

  /**
   * Loads a model (a built-in id or model data); it becomes the run's model once the simulation
   * accepts it, and only then is `accepted` done. A refused model leaves everything as it was.
   */
  load(model: string | object, options: LoadOptions = {}, accepted?: () => void): void {
    this.lab.run.requestedModel = model;
    this.onAccepted = accepted ?? null;
    this.seekGoal = null;
    if (!this.lab.run.history) this.startup = { model, options };
    this.client.send({ type: 'load', model, ...options });
  }

  /** Goes to simulated time `t`; far ahead, in chunks, so that no request takes long. */
  seekTo(t: number): void {
    const model = this.lab.store.getState().model;
    const from = this.lab.run.latest?.t ?? 0;
    const chunk = model ? seekChunkS(model) : Infinity;
    this.seekGoal = t > from + chunk ? t : null;
    const next = this.seekGoal === null ? t : from + chunk;
    this.client.send({ type: 'seek', t: next });
    this.lab.compare.run?.seek(t);
  }

  setParam(id: string, value: ParamValue): void {
    const { store } = this.lab;
    store.setState({ params: { ...store.getState().params, [id]: value }, notice: null });
    this.seekGoal = null;
    this.client.send({ type: 'setParam', id, value });
    writeUrl(this.lab);
  }

  /** Runs the model again from the start with `params` and `changes`, then goes back to `t`. */
  restartWith(params: Record<string, string | number>, t: number, changes: RecipeChange[] = []): void {
    const { store, run } = this.lab;
    store.setState({ playing: false });
    const s = store.getState();
    run.pendingSeek = t;
    run.pendingFocus = { region: s.region, service: s.service };
    this.load(run.modelData, { seed: run.seed, params, changes });
  }

  /**
   * The failure panel's restart: a new simulation replays the run's recipe (start settings and
   * every change) to where it was, however many times it has failed.
   */
  restartAfterFailure(): void {
    this.lab.store.setState({ failure: null });
    this.lastRecovery = -Infinity;
    this.replay();
  }

  /** Restores the simulation, or run B, if a request has gone unanswered too long. */
  checkHeartbeat(now: number): void {
    if (now < this.patientUntil) return;
    if (this.client.busy && this.client.waitingSince > 0 && now - this.client.waitingSince > HEARTBEAT_MS) this.recover('stopped answering');
    const b = this.lab.compare.run;
    if (b?.failure) this.recoverComparison(`failed (${b.failure})`);
    else if (b && b.waitingSince > 0 && now - b.waitingSince > HEARTBEAT_MS) this.recoverComparison('stopped answering');
  }

  /** Where the run is: the time it is being brought back to while a restore is under way. */
  private where(): Restore {
    if (this.restoring) return this.restoring;
    const s = this.lab.store.getState();
    return { t: this.lab.run.latest?.t ?? this.lab.run.pendingSeek ?? 0, region: s.region, service: s.service, speed: s.speed, compare: this.lab.compare.key };
  }

  /** Starts a new simulation and replays the run to where it was, saying so. */
  private recover(why: string): void {
    const { store } = this.lab;
    const back = this.where();
    this.restoring = back;
    if (performance.now() - this.lastRecovery < 15_000) {
      // It failed again right away: do not loop; let the person decide.
      this.client.terminate();
      store.setState({ failure: `it ${why} again after a restart`, playing: false });
      return;
    }
    this.lastRecovery = performance.now();
    const model = store.getState().model;
    const at = model ? formatTime(back.t, model.clockStart) : '';
    store.setState({ notice: `The simulation ${why}; it was restarted and brought back to ${at}.`, failure: null });
    this.replay();
  }

  /** A new simulation, given the run's recipe and brought back to the time, view and comparison of `restoring`. */
  private replay(): void {
    const { store, run } = this.lab;
    const back = (this.restoring ??= this.where());
    this.client.terminate();
    this.client = createSimClient((m) => this.receive(m));
    store.setState({ playing: false });
    run.pendingSeek = back.t;
    run.pendingFocus = { region: back.region, service: back.service };
    this.lab.compare.pending = back.compare;
    const recipe = run.recipe;
    this.load(run.modelData, { seed: recipe?.seed ?? run.seed, params: recipe?.params as Record<string, ParamValue>, changes: recipe?.changes });
  }

  /** Run B failed or stopped answering: it is started again from A's recipe at A's time, once in a while. */
  private recoverComparison(why: string): void {
    const { lab } = this;
    const b = lab.compare.run;
    if (!b) return;
    b.stop();
    if (performance.now() - this.lastCompareRecovery < 15_000) {
      stopCompare(lab);
      lab.store.setState({ notice: `Run B ${why} again after a restart, so the comparison was stopped.` });
      return;
    }
    this.lastCompareRecovery = performance.now();
    lab.store.setState({ notice: `Run B ${why}; it was restarted from this run's settings.` });
    startCompare(lab, b.label, b.overrides, lab.compare.key);
  }

  /** The first load was refused (a setting or change the model cannot take): start with less of the link. */
  private startWithLess(message: string): boolean {
    const first = this.startup;
    if (!first || this.lab.run.history) return false;
    const { store } = this.lab;
    const { options } = first;
    const say = (what: string) => store.setState({ notice: [store.getState().notice, `The link's ${what} could not be used (${message}), so the lab starts without them.`].filter(Boolean).join(' ') });
    if (options.changes?.length) {
      say('changes and operator actions');
      this.load(first.model, { ...options, changes: [] });
    } else if (options.params && Object.keys(options.params).length) {
      say('settings');
      this.load(first.model, { seed: options.seed });
    } else if (first.model !== this.lab.catalog.defaultId) {
      say('model');
      this.load(this.lab.catalog.defaultId, {});
    } else return false;
    return true;
  }

  private receive(m: FromWorkerMsg): void {
    switch (m.type) {
      case 'loaded':
        this.onLoaded(m.model, m.frame);
        break;
      case 'frame':
        this.onFrame(m);
        break;
      case 'refused':
        this.onAccepted = null;
        if (!this.startWithLess(m.message)) this.lab.store.setState({ notice: m.message });
        break;
      case 'failed':
        if (!this.lab.run.history && this.startWithLess(m.message)) break;
        this.recover(`failed (${m.message})`);
        break;
      case 'exported':
        this.patientUntil = 0;
        this.hooks.download(m.filename, m.text, m.format === 'csv' ? 'text/csv' : 'application/json');
        break;
      case 'verdict':
        this.patientUntil = 0;
        this.hooks.showVerdict({ label: m.label, text: m.text, parts: m.parts });
        break;
      case 'validated':
        // How we know runs in a worker of its own (src/app/how-we-know.ts), never this one.
        break;
      default: {
        const never: never = m;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  }

  private onLoaded(model: ModelInfo, frame: Frame): void {
    const { lab } = this;
    const { store, run } = lab;
    run.modelData = run.requestedModel;
    this.startup = null;
    const accepted = this.onAccepted;
    this.onAccepted = null;
    accepted?.();
    const restoring = this.restoring;
    if (lab.compare.run) stopCompare(lab);
    // Where the simulation runs (a worker, or the main thread where no worker may start).
    document.documentElement.dataset.sim = this.client.where;
    // The model says what to look at first; a chapter or a restart may say otherwise below.
    const focus = model.focus;
    const region = focus && model.regions.some((r) => r.id === focus.region) ? focus.region : model.regions[0].id;
    const service = focus && model.services.some((s) => s.id === focus.service) ? focus.service : (model.services.find((s) => s.door) ?? model.services[0]).id;
    run.history = new History(model.regions.length * model.services.length);
    run.fired = [];
    // A model from a file is its own, even when its id is a built-in model's.
    const modelId = typeof run.modelData === 'string' ? model.id : `file:${model.id}`;
    store.setState({ model, modelId, region, service, params: frame.params, failure: null });
    // A chapter named in the link puts its region and service in view, once, and its moment when
    // the link names no time of its own.
    const chapter = lab.story.chapter >= 0 && lab.story.fromLink ? model.story[lab.story.chapter] : undefined;
    lab.story.fromLink = false;
    if (chapter && !run.pendingFocus) run.pendingFocus = { region: chapter.region, service: chapter.service };
    if (chapter && run.pendingSeek === undefined) run.pendingSeek = chapter.t;
    const asked = run.pendingFocus;
    if (asked) {
      if (asked.region && model.regions.some((r) => r.id === asked.region)) store.setState({ region: asked.region });
      if (asked.service && model.services.some((s) => s.id === asked.service)) store.setState({ service: asked.service });
      run.pendingFocus = null;
    }
    this.hooks.buildViews(model);
    if (restoring) {
      // A restored run keeps its playback speed too.
      const speed = $<HTMLSelectElement>('speed');
      if ([...speed.options].some((o) => o.value === String(restoring.speed))) {
        speed.value = String(restoring.speed);
        store.setState({ speed: restoring.speed });
      }
    }
    this.onFrame(frame);
    if (run.pendingSeek !== undefined) this.seekTo(run.pendingSeek);
    run.pendingSeek = undefined;
    writeUrl(lab);
  }

  /**
   * Run B is run A's recipe plus its overrides: when A's recipe changes (a slider, an action, a
   * restart, an undo, a seek back) B starts again from the new one; otherwise it follows A's time.
   */
  private keepComparisonInStep(f: Frame): void {
    const b = this.lab.compare.run;
    if (!b) return;
    if (f.recipe) b.start(this.lab.run.modelData, f.recipe, f.t);
    else if (!b.busy && b.latest && b.latest.t !== f.t) b.seek(f.t);
  }

  private onFrame(f: Frame): void {
    const { lab } = this;
    const { store, run } = lab;
    if (!run.history) return;
    if (this.seekGoal !== null && run.pendingSeek === undefined) {
      const model = store.getState().model;
      if (!model || f.t >= this.seekGoal - 1e-9 || f.done || f.t <= (run.latest?.t ?? -1)) this.seekGoal = null;
      else this.client.send({ type: 'seek', t: Math.min(this.seekGoal, f.t + seekChunkS(model)) });
    }
    // Once the restored run has answered the seek back (every chunk of it), it is back.
    if (this.restoring && run.pendingSeek === undefined && this.seekGoal === null) this.restoring = null;
    if (f.recipe) run.recipe = f.recipe;
    this.keepComparisonInStep(f);
    if (f.score) lab.teach?.score(f.score);
    if (!store.getState().playing) queueMicrotask(() => writeUrl(lab));
    run.history.add(f);
    run.fired = f.reset ? f.events : run.fired.concat(f.events);
    run.latest = f;
    followMoment(lab);
    // A comparison named in the link starts once the run is where the link says (B starts at A's time).
    if (lab.compare.pending && run.recipe && run.pendingSeek === undefined) {
      const key = lab.compare.pending;
      lab.compare.pending = undefined;
      if (!compareWith(lab, key)) store.setState({ notice: `There is nothing called "${key}" to compare with in this model.` });
    }
    if (f.done && store.getState().playing) store.setState({ playing: false });
    const params = store.getState().params;
    if (Object.keys(f.params).some((k) => f.params[k] !== params[k])) store.setState({ params: f.params });
    lab.dirty = true;
  }
}
