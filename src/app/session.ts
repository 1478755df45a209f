/**
 * The simulation session: the client that talks to the simulation, what it answers, and the ways
 * the page asks it for a run — load, seek, set a parameter, run again from the start. When the
 * simulation fails or stops answering, a new one is started and brought back to where the run was.
 */
import type { Action } from '../engine/model.ts';
import type { VerdictShown } from '../view/teach.ts';
import type { ParamValue } from '../params/registry.ts';
import { createSimClient, type SimClient } from '../worker/client.ts';
import type { Frame, FromWorkerMsg, ModelInfo, Recipe, RecipeChange, ToWorkerMsg } from '../worker/protocol.ts';
import { formatTime } from '../view/format.ts';
import { History } from './history.ts';
import type { Lab } from './lab.ts';
import { seekChunkS } from './seek.ts';
import { followRequests, speedsFor, type QueuedRequest } from './store.ts';

/** A request unanswered for this long means the simulation stopped answering. */
export const HEARTBEAT_MS = 10_000;

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
  /** A model was accepted: what belonged to the old run (run B) goes. */
  loaded(): void;
  /** A frame of the run was recorded; `settled`: the run is where it was asked to be. */
  frame(f: Frame, settled: boolean): void;
}

/** What a restored simulation must come back to: the time, the settings and the view. */
interface Restore {
  t: number;
  region: string;
  service: string;
  speed: number;
}

export class Session {
  /** Replaced by a new one when the simulation fails or stops answering. */
  client: SimClient;
  private lastRecovery = -Infinity;
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
    followRequests(lab.store, (r) => this.take(r));
    lab.store.subscribe((s, prev) => {
      // A control asked for a value the simulation does not have yet: send it.
      if (s.params !== prev.params && this.lab.run.history) {
        for (const [id, value] of Object.entries(s.params)) if (this.applied[id] !== value && value !== undefined) this.sendParam(id, value);
      }
      if (prev.playing && !s.playing && this.settled() && this.lab.run.latest) s.restAt(this.lab.run.latest.t);
    });
  }

  /** What the page asked for, taken from the store's queue in order (store.ts). */
  private take(r: QueuedRequest): void {
    switch (r.type) {
      case 'step':
        // Asked for while the run is on its way somewhere (a what-if's run replayed to the moment
        // on screen, a link's time, a restore), a step goes on from there, not from where it has got.
        if (this.lab.run.pendingSeek !== undefined) this.lab.run.pendingSeek += r.simS;
        else if (this.seekGoal !== null) this.seekTo(this.seekGoal + r.simS);
        else this.send({ type: 'advance', simS: r.simS });
        break;
      case 'restart':
        this.send({ type: 'restart' });
        break;
      case 'seek':
        this.seekTo(r.t);
        break;
      case 'act':
        this.send({ type: 'act', action: r.action as unknown as Action });
        break;
      case 'undo':
        this.send({ type: 'undo' });
        break;
      case 'export':
        this.send({ type: 'export', format: r.format });
        break;
      case 'open': {
        const { file, seed, params, changes } = r;
        this.open(
          r.model ?? this.lab.run.modelData,
          { ...(seed !== undefined ? { seed } : {}), ...(params ? { params } : {}), ...(changes ? { changes } : {}) },
          file === undefined ? undefined : () => this.lab.store.getState().fileOpened(file),
          r.here ? this.target() : undefined,
        );
        break;
      }
      case 'rerun':
        this.restartWith(r.params as Record<string, string | number>, this.target(), r.changes);
        break;
      case 'recover':
        this.restartAfterFailure();
        break;
      default: {
        const never: never = r;
        throw new Error(`unknown request ${JSON.stringify(never)}`);
      }
    }
  }

  /** The parameters the simulation last said the run has. */
  private applied: Record<string, ParamValue> = {};

  private sendParam(id: string, value: ParamValue): void {
    this.applied = { ...this.applied, [id]: value };
    this.seekGoal = null;
    this.client.send({ type: 'setParam', id, value });
  }

  /** The run is where it was asked to be: no load, seek or restore under way. */
  settled(): boolean {
    return this.lab.run.pendingSeek === undefined && this.seekGoal === null && !this.restoring;
  }

  /** The time the run is at, or is on its way to. */
  target(): number {
    return this.lab.run.pendingSeek ?? this.seekGoal ?? this.restoring?.t ?? this.lab.run.latest?.t ?? 0;
  }

  /** The last load sent: an answer to an earlier one (a second click before the first was answered) is passed over. */
  private loadId = 0;

  /** Until when a long request (a what-if's two whole runs, an export) may go unanswered. */
  private patientUntil = 0;
  /** Where a long seek is going, one chunk at a time. */
  private seekGoal: number | null = null;

  send(msg: ToWorkerMsg): void {
    if (msg.type === 'whatIf' || msg.type === 'export') this.patientUntil = performance.now() + 120_000;
    // Measuring a what-if or exporting does not move the run: a long seek under way goes on.
    else this.seekGoal = null;
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
    this.client.send({ type: 'load', model, ...options, id: ++this.loadId });
  }

  /** Opens another run (another model, a map's point, a file): its seed becomes the run's once accepted. */
  open(model: string | object, options: LoadOptions = {}, accepted?: () => void, at?: number): void {
    if (at !== undefined) this.lab.run.pendingSeek = at;
    this.load(model, options, () => {
      this.lab.store.getState().setSeed(options.seed);
      accepted?.();
    });
  }

  /** Goes to a moment with other start settings (a chapter): its focus is put in view. */
  goTo(params: Record<string, ParamValue>, t: number, focus: { region?: string; service?: string }): void {
    const { run } = this.lab;
    run.pendingFocus = focus;
    run.pendingSeek = t;
    this.load(run.modelData, { seed: this.lab.store.getState().seed, params });
  }

  /** Goes to simulated time `t`; far ahead, in chunks, so that no request takes long. */
  seekTo(t: number): void {
    const model = this.lab.store.getState().model;
    // A long seek under way goes on to the new time from where it has got (one chain of requests at a time).
    if (this.seekGoal !== null && this.client.busy && this.lab.run.pendingSeek === undefined) {
      this.seekGoal = t;
      this.lab.compare.run?.seek(t);
      return;
    }
    const from = this.lab.run.latest?.t ?? 0;
    const chunk = model ? seekChunkS(model) : Infinity;
    this.seekGoal = t > from + chunk ? t : null;
    const next = this.seekGoal === null ? t : from + chunk;
    this.client.send({ type: 'seek', t: next });
    this.lab.compare.run?.seek(t);
  }

  /** Runs the model again from the start with `params` and `changes`, then goes back to `t`. */
  restartWith(params: Record<string, string | number>, t: number, changes: RecipeChange[] = []): void {
    const { store, run } = this.lab;
    store.getState().pause();
    const s = store.getState();
    // The run asked for is the run from now on: a second click before it is answered builds on it.
    store.getState().recipeChanged({ seed: run.recipe?.seed ?? s.seed ?? 0, params: params as Recipe['params'], changes });
    run.pendingSeek = t;
    run.pendingFocus = { region: s.region, service: s.service };
    this.load(run.modelData, { seed: this.lab.store.getState().seed, params, changes });
  }

  /**
   * The failure panel's restart: a new simulation replays the run's recipe (start settings and
   * every change) to where it was, however many times it has failed.
   */
  private restartAfterFailure(): void {
    this.lastRecovery = -Infinity;
    this.replay();
  }

  /** Restores the simulation if a request has gone unanswered too long. */
  checkHeartbeat(now: number): void {
    if (now < this.patientUntil) return;
    if (this.client.busy && this.client.waitingSince > 0 && now - this.client.waitingSince > HEARTBEAT_MS) this.recover('stopped answering');
  }

  /** Where the run is: the time it is being brought back to while a restore is under way. */
  private where(): Restore {
    if (this.restoring) return this.restoring;
    const s = this.lab.store.getState();
    // Where it is going, if a load or a long seek is under way (a link's time), not where it has got to.
    return { t: this.target(), region: s.region, service: s.service, speed: s.speed };
  }

  /** Starts a new simulation and replays the run to where it was, saying so. */
  private recover(why: string): void {
    const { store } = this.lab;
    const back = this.where();
    this.restoring = back;
    if (performance.now() - this.lastRecovery < 15_000) {
      // It failed again right away: do not loop; let the person decide.
      this.client.terminate();
      store.getState().fail(`it ${why} again after a restart`);
      return;
    }
    this.lastRecovery = performance.now();
    const model = store.getState().model;
    const at = model ? formatTime(back.t, model.clockStart) : '';
    store.getState().say(`The simulation ${why}; it was restarted and brought back to ${at}.`);
    store.getState().fail(null);
    this.replay();
  }

  /** A new simulation, given the run's recipe and brought back to the time, view and comparison of `restoring`. */
  private replay(): void {
    const { store, run } = this.lab;
    const back = (this.restoring ??= this.where());
    this.client.terminate();
    this.client = createSimClient((m) => this.receive(m));
    store.getState().pause();
    run.pendingSeek = back.t;
    run.pendingFocus = { region: back.region, service: back.service };
    const recipe = run.recipe;
    this.load(run.modelData, { seed: recipe?.seed ?? store.getState().seed, params: recipe?.params as Record<string, ParamValue>, changes: recipe?.changes });
  }

  /** The first load was refused (a setting or change the model cannot take): start with less of the link. */
  private startWithLess(message: string): boolean {
    const first = this.startup;
    if (!first || this.lab.run.history) return false;
    const { store } = this.lab;
    const { options } = first;
    const say = (what: string) => store.getState().sayAlso(`The link's ${what} could not be used (${message}), so the lab starts without them.`);
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
        // A later load is on its way: it brings the run the page asked for last.
        if (m.id !== undefined && m.id !== this.loadId) break;
        this.onLoaded(m.model, m.frame);
        break;
      case 'frame':
        this.onFrame(m);
        break;
      case 'refused':
        this.onAccepted = null;
        if (!this.startWithLess(m.message)) this.lab.store.getState().say(m.message);
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
    this.hooks.loaded();
    // Where the simulation runs (a worker, or the main thread where no worker may start).
    document.documentElement.dataset.sim = this.client.where;
    // The model says what to look at first; a chapter or a restart may say otherwise below.
    const focus = model.focus;
    let region = focus && model.regions.some((r) => r.id === focus.region) ? focus.region : model.regions[0].id;
    let service = focus && model.services.some((s) => s.id === focus.service) ? focus.service : (model.services.find((s) => s.door) ?? model.services[0]).id;
    run.history = new History(model.regions.length * model.services.length);
    run.fired = [];
    // A chapter named in the link puts its region and service in view, once, and its moment when
    // the link names no time of its own.
    const index = store.getState().chapter;
    const chapter = index >= 0 && lab.chapterFromLink ? model.story[index] : undefined;
    lab.chapterFromLink = false;
    if (chapter && !run.pendingFocus) run.pendingFocus = { region: chapter.region, service: chapter.service };
    if (chapter && run.pendingSeek === undefined) run.pendingSeek = chapter.t;
    const asked = run.pendingFocus;
    if (asked) {
      if (asked.region && model.regions.some((r) => r.id === asked.region)) region = asked.region;
      if (asked.service && model.services.some((s) => s.id === asked.service)) service = asked.service;
      run.pendingFocus = null;
    }
    // A model from a file is its own, even when its id is a built-in model's; one built in the page has its own id.
    const modelId = typeof run.modelData === 'string' ? model.id : lab.catalog.builtIdOf?.(run.modelData) ?? `file:${model.id}`;
    this.applied = frame.params;
    store.getState().modelLoaded(model, modelId, frame.params, { region, service });
    this.hooks.buildViews(model);
    // A restored run keeps its playback speed too.
    if (restoring && speedsFor(model.durationS).includes(restoring.speed)) store.getState().setSpeed(restoring.speed);
    this.onFrame(frame);
    const t = run.pendingSeek;
    run.pendingSeek = undefined;
    if (t !== undefined) this.seekTo(t);
    if (this.settled()) store.getState().restAt(frame.t);
  }

  private onFrame(f: Frame): void {
    const { lab } = this;
    const { store, run } = lab;
    if (!run.history) return;
    if (this.seekGoal !== null && run.pendingSeek === undefined) {
      const model = store.getState().model;
      const goal = this.seekGoal;
      const ahead = goal > f.t + 1e-9;
      // Done when there, or when going forward gets no further (the end of the run).
      if (!model || Math.abs(f.t - goal) < 1e-9 || (ahead && (f.done || f.t <= (run.latest?.t ?? -1)))) this.seekGoal = null;
      else this.client.send({ type: 'seek', t: ahead ? Math.min(goal, f.t + seekChunkS(model)) : goal });
    }
    // Once the restored run has answered the seek back (every chunk of it), it is back.
    if (this.restoring && run.pendingSeek === undefined && this.seekGoal === null) this.restoring = null;
    if (f.recipe) run.recipe = f.recipe;
    run.history.add(f);
    run.fired = f.reset ? f.events : run.fired.concat(f.events);
    run.latest = f;
    const settled = this.settled();
    this.hooks.frame(f, settled);
    const s = store.getState();
    if (f.recipe) s.recipeChanged(f.recipe);
    if (f.done && s.playing) s.pause();
    else if (!s.playing && settled) s.restAt(f.t);
    this.applied = f.params;
    s.paramsApplied(f.params);
    lab.dirty = true;
  }
}
