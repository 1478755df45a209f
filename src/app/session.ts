/**
 * The simulation session: the client that talks to the simulation, what it answers, and the ways
 * the page asks it for a run — load, seek, set a parameter, run again from the start. When the
 * simulation fails or stops answering, a new one is started and brought back to where the run was.
 */
import type { ParamValue } from '../params/registry.ts';
import { createSimClient, type SimClient } from '../worker/client.ts';
import type { Frame, FromWorkerMsg, ModelInfo, RecipeChange, ToWorkerMsg } from '../worker/protocol.ts';
import { formatTime } from '../view/format.ts';
import { compareWith, stopCompare } from './comparing.ts';
import { History } from './history.ts';
import type { Lab } from './lab.ts';
import { writeUrl } from './link.ts';

/** A request unanswered for this long means the simulation stopped answering. */
const HEARTBEAT_MS = 10_000;

type LoadOptions = Omit<Extract<ToWorkerMsg, { type: 'load' }>, 'type' | 'model'>;

/**
 * What the page does with the simulation's answers. The composition root supplies these, so the
 * session can start and restore runs without knowing how the page draws, saves or teaches.
 */
export interface SessionHooks {
  /** Builds the views for a model just loaded (its first frame follows at once). */
  buildViews(model: ModelInfo): void;
  download(filename: string, text: string, type: string): void;
  showVerdict(text: string): void;
}

export class Session {
  /** Replaced by a new one when the simulation fails or stops answering. */
  client: SimClient;
  private lastRecovery = -Infinity;

  constructor(
    private readonly lab: Lab,
    private readonly hooks: SessionHooks,
  ) {
    this.client = createSimClient((m) => this.receive(m));
  }

  /** Until when a long request (a what-if's two whole runs, an export) may go unanswered. */
  private patientUntil = 0;

  send(msg: ToWorkerMsg): void {
    if (msg.type === 'whatIf' || msg.type === 'export') this.patientUntil = performance.now() + 60_000;
    this.client.send(msg);
  }

  /** Loads a model (a built-in id or model data); it becomes the run's model once the simulation accepts it. */
  load(model: string | object, options: LoadOptions = {}): void {
    this.lab.run.requestedModel = model;
    this.client.send({ type: 'load', model, ...options });
  }

  seekTo(t: number): void {
    this.client.send({ type: 'seek', t });
    this.lab.compare.run?.seek(t);
  }

  setParam(id: string, value: ParamValue): void {
    const { store } = this.lab;
    store.setState({ params: { ...store.getState().params, [id]: value }, notice: null });
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

  /** Starts a new simulation for the model of the run, from its defaults (the failure panel's restart). */
  restartAfterFailure(): void {
    this.client.terminate();
    this.client = createSimClient((m) => this.receive(m));
    this.lab.store.setState({ failure: null });
    this.lastRecovery = -Infinity;
    this.load(this.lab.run.modelData, { seed: this.lab.run.seed });
  }

  /** Restores the simulation if a request has gone unanswered too long. */
  checkHeartbeat(now: number): void {
    if (now < this.patientUntil) return;
    if (this.client.busy && this.client.waitingSince > 0 && now - this.client.waitingSince > HEARTBEAT_MS) this.recover('stopped answering');
  }

  /** Starts a new simulation and replays the run to where it was, saying so. */
  private recover(why: string): void {
    const { store, run } = this.lab;
    const t = run.latest?.t ?? 0;
    if (performance.now() - this.lastRecovery < 15_000) {
      // It failed again right away: do not loop; let the person decide.
      this.client.terminate();
      store.setState({ failure: `it ${why.replace(/^it /, '')} again after a restart`, playing: false });
      return;
    }
    this.lastRecovery = performance.now();
    const model = store.getState().model;
    this.client.terminate();
    this.client = createSimClient((m) => this.receive(m));
    const at = model ? formatTime(t, model.clockStart) : '';
    store.setState({ notice: `The simulation ${why}; it was restarted and brought back to ${at}.`, failure: null });
    run.pendingSeek = t;
    const recipe = run.recipe;
    this.load(run.modelData, { seed: recipe?.seed ?? run.seed, params: recipe?.params as Record<string, ParamValue>, changes: recipe?.changes });
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
        this.lab.store.setState({ notice: m.message });
        break;
      case 'failed':
        this.recover(`it failed (${m.message})`);
        break;
      case 'exported':
        this.patientUntil = 0;
        this.hooks.download(m.filename, m.text, m.format === 'csv' ? 'text/csv' : 'application/json');
        break;
      case 'verdict':
        this.patientUntil = 0;
        this.hooks.showVerdict(`${m.label}: ${m.text}`);
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
    if (lab.compare.run) stopCompare(lab);
    // Where the simulation runs (a worker, or the main thread where no worker may start).
    document.documentElement.dataset.sim = this.client.where;
    const door = model.services.find((s) => s.door) ?? model.services[0];
    const region = model.regions[0].id;
    run.history = new History(model.regions.length * model.services.length);
    run.fired = [];
    store.setState({ model, modelId: model.id, region, service: door.id, params: frame.params, failure: null });
    // A chapter named in the link puts its region and service in view, once.
    const chapter = lab.story.chapter >= 0 && lab.story.fromLink ? model.story[lab.story.chapter] : undefined;
    lab.story.fromLink = false;
    if (chapter && !run.pendingFocus) run.pendingFocus = { region: chapter.region, service: chapter.service };
    const focus = run.pendingFocus;
    if (focus) {
      if (focus.region && model.regions.some((r) => r.id === focus.region)) store.setState({ region: focus.region });
      if (focus.service) store.setState({ service: focus.service });
      run.pendingFocus = null;
    }
    this.hooks.buildViews(model);
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
    if (f.recipe) run.recipe = f.recipe;
    this.keepComparisonInStep(f);
    if (lab.compare.pending && run.recipe && run.pendingSeek === undefined) {
      const key = lab.compare.pending;
      lab.compare.pending = undefined;
      if (!compareWith(lab, key)) store.setState({ notice: `There is nothing called "${key}" to compare with in this model.` });
    }
    if (f.score) lab.teach?.score(f.score);
    if (!store.getState().playing) queueMicrotask(() => writeUrl(lab));
    run.history.add(f);
    run.fired = f.reset ? f.events : run.fired.concat(f.events);
    run.latest = f;
    if (f.done && store.getState().playing) store.setState({ playing: false });
    const params = store.getState().params;
    if (Object.keys(f.params).some((k) => f.params[k] !== params[k])) store.setState({ params: f.params });
    lab.dirty = true;
  }
}
