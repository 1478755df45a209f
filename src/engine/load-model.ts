/**
 * Loading a model: schema validation (valibot), then the checks a schema cannot express
 * (references between ids, an acyclic call graph, parameter tables). Every error names the field.
 */
import * as v from 'valibot';
import { COMMON_PARAMS, describeAllowed, fitToStep, isMultipleOf, namesObjectMember, objectMemberError, parseValue, RESERVED_IDS, type ParamDef, type ParamValue } from '../params/registry.ts';
import { argError, argRange, describeRange } from '../params/actions.ts';
import { secondsAtTimeOfDay } from './clock.ts';
import { escapeControls } from './model-text.ts';
import { ModelSchema, ownValue, type Model } from './model.ts';
import { callOrder } from './topology.ts';
import { policyParam } from './policy.ts';

export interface LoadedModel {
  model: Model;
  /** Every parameter of this model: the common ones (with the model's defaults) then its own. */
  params: readonly ParamDef[];
}

export type LoadResult = { ok: true; value: LoadedModel } | { ok: false; errors: string[] };

/** Longest text anywhere in a model file (a key or a value): the longest the schema allows is 2000. */
export const MAX_TEXT_CHARS = 2000;
/** Most values (objects, arrays, numbers, texts) in a model file. */
const MAX_VALUES = 200_000;
/**
 * Deepest nesting of objects and arrays in a model (the model itself is level 1; a model needs
 * about six): the page's file loader and the command line are held to it alike.
 */
export const MAX_MODEL_DEPTH = 32;

/**
 * Every text in the data is bounded and so are its size and its depth, checked before the schema
 * sees it: no later check, message, view or copy to a worker ever handles an unbounded text or
 * recurses without bound. No key names a member every object has (`constructor`, `__proto__`):
 * the schema would drop such a key without a word, and a lookup would find the language's own.
 */
function tooLong(data: unknown): string | null {
  // Each value with its path, its level and the top-level field it is under.
  const stack: [unknown, string, number, string][] = [[data, '(model)', 1, '(model)']];
  for (let seen = 0; stack.length; seen++) {
    if (seen > MAX_VALUES) return `(model): more than ${MAX_VALUES} values`;
    const [x, path, depth, top] = stack.pop()!;
    if (typeof x === 'string' && x.length > MAX_TEXT_CHARS) return `${path}: a text of ${x.length} characters; at most ${MAX_TEXT_CHARS}`;
    if (x === null || typeof x !== 'object') continue;
    if (depth > MAX_MODEL_DEPTH) return `${top}: nested more than ${MAX_MODEL_DEPTH} levels deep; a model needs about six`;
    for (const [k, val] of Object.entries(x)) {
      if (k.length > 100) return `${path}: a key of ${k.length} characters; at most 100`;
      if (namesObjectMember(k)) return objectMemberError(path === '(model)' ? k : `${path}.${k}`, k);
      stack.push([val, path === '(model)' ? k : `${path}.${k}`, depth + 1, depth === 1 ? k : top]);
    }
  }
  return null;
}

/** The most problems a refusal lists: enough to fix a file by, few enough to read. */
export const MAX_ERRORS = 20;

/** The first of `errors`, and how many more there are, in at most `max` lines. */
function atMost(max: number, errors: string[]): string[] {
  return errors.length <= max ? errors : [...errors.slice(0, max - 1), `(model): and ${errors.length - max + 1} more problems`];
}

export function loadModel(data: unknown): LoadResult {
  const long = tooLong(data);
  if (long) return { ok: false, errors: [shown(long)] };
  const parsed = v.safeParse(ModelSchema, data);
  if (!parsed.success) {
    return {
      ok: false,
      errors: atMost(MAX_ERRORS, parsed.issues.map((issue) => shown(`${v.getDotPath(issue) ?? '(model)'}: ${issue.message}`))),
    };
  }
  const model = parsed.output;
  const errors = crossCheck(model).map(shown);
  if (errors.length > 0) return { ok: false, errors: atMost(MAX_ERRORS, errors) };
  const params = paramsOf(model);
  for (const id of Object.keys(model.defaults)) {
    const def = params.find((p) => p.id === id);
    if (!def) errors.push(`defaults.${id}: no such parameter`);
  }
  if (errors.length > 0) return { ok: false, errors: atMost(MAX_ERRORS, errors) };
  escapeTexts(model);
  return { ok: true, value: { model, params: paramsOf(model) } };
}

/**
 * The work budget of a run, checked before it starts. `work` counts node and caller updates
 * (the whole incident replay is about 5.5 million, a second or so); `stateBytes` is the most one
 * copy of the run's state can take (the page keeps about 32 copies to seek); `peakRps` bounds the
 * load any service can see, through every call chain with every retry, so that every output stays
 * finite.
 */
export const BUDGET = { work: 20e6, stateBytes: 16 * 2 ** 20, peakRps: 1e15 } as const;
/** The command line keeps one copy of the state and no page waits for it: five times the work, 32 times the state. */
export const CLI_BUDGET = { work: 5 * BUDGET.work, stateBytes: 32 * BUDGET.stateBytes, peakRps: BUDGET.peakRps } as const;

/** Longest a retry can wait plus the longest client timeout (the rings of the state span both), in seconds. */
const LONGEST_WAIT_S = 600 + 120;
/** Tries per call at most: the first and ten retries. */
const MAX_TRIES = 11;

export interface Work {
  steps: number;
  nodes: number;
  flows: number;
  work: number;
  stateBytes: number;
  peakRps: number;
  /** Where the peak load is: "regions.<i>, services.<j>". */
  peakAt: string;
}

/** How much a run of `model` over `durationS` costs, at worst. */
export function workOf(model: Model, durationS = model.durationS): Work {
  const R = model.regions.length;
  const S = model.services.length;
  const steps = Math.ceil(durationS / model.dtS);
  const nodes = R * S;
  const flows = R * (model.calls.length + model.sources.length);
  const stateBytes = flows * Math.ceil(LONGEST_WAIT_S / model.dtS) * MAX_TRIES * 8 + nodes * 8192;
  const order = callOrder(model);
  const index = new Map(model.services.map((s, j) => [s.id, j]));
  let peakRps = 0;
  let peakAt = '';
  model.regions.forEach((r, i) => {
    const load = new Float64Array(S);
    for (const src of model.sources) load[index.get(src.service)!] += src.rateRps * r.scale * (ownValue(src.regionScale, r.id) ?? 1);
    for (const j of order) {
      const from = model.services[j].id;
      for (const c of model.calls) {
        if (c.from !== from) continue;
        load[index.get(c.to)!] += load[j] * MAX_TRIES * (ownValue(c.regionPerRequest, r.id) ?? c.perRequest);
      }
    }
    load.forEach((rps, j) => {
      // Failed-over retries from the paired region can double it.
      const worst = rps * MAX_TRIES * (model.services[j].failover ? 2 : 1);
      if (!(worst <= peakRps)) {
        peakRps = worst;
        peakAt = `regions.${i}, services.${j}`;
      }
    });
  });
  return { steps, nodes, flows, work: steps * (nodes + flows), stateBytes, peakRps, peakAt };
}

/**
 * What a model must reduce to fit the budget, one sentence per limit it exceeds: checked before a
 * run of an untrusted model starts (a model file, in the page or on the command line).
 */
export function overBudget(model: Model, durationS = model.durationS, budget: { work: number; stateBytes: number; peakRps: number } = BUDGET): string[] {
  const maxWork = budget.work;
  const w = workOf(model, durationS);
  const errors: string[] = [];
  const n = (x: number) => (x >= 1e6 ? `${Number((x / 1e6).toPrecision(3))} million` : String(Math.round(x)));
  if (!(w.work <= maxWork)) {
    errors.push(
      `(model): too much work for one run: ${model.regions.length} regions × ${model.services.length} services and ${model.calls.length + model.sources.length} callers over ${n(w.steps)} steps is ${n(w.work)} updates; at most ${n(maxWork)}: use fewer regions, services or calls, a shorter durationS or a larger dtS`,
    );
  }
  if (!(w.stateBytes <= budget.stateBytes)) {
    errors.push(
      `(model): the run's state would take up to ${Math.ceil(w.stateBytes / 2 ** 20)} MB (${w.flows} callers, each remembering ${LONGEST_WAIT_S} s in steps of ${model.dtS} s); at most ${budget.stateBytes / 2 ** 20} MB: use fewer regions or calls, or a larger dtS`,
    );
  }
  if (!(w.peakRps <= budget.peakRps)) {
    errors.push(
      `${w.peakAt}: the load there could reach ${w.peakRps.toExponential(1)} req/s (rates × scales × perRequest along the call chain × retries); at most ${budget.peakRps.toExponential(0)}: reduce rateRps, scale, regionScale or perRequest`,
    );
  }
  return errors;
}

/**
 * An error is shown to people and echoes what a file holds: printable (no control characters,
 * line separators or direction overrides), and a few lines at most.
 */
export function shown(error: string): string {
  const printable = escapeControls(error.length > 600 ? error.slice(0, 600) : error);
  return printable.length > 300 ? printable.slice(0, 297) + '…' : printable;
}

/**
 * Every text of a loaded model (titles, labels, descriptions, story) with its control characters
 * escaped, so that a page or a command showing it shows what the file holds (`\u202E`) instead
 * of letting it reorder or break the text around it. Ids cannot hold any.
 */
function escapeTexts(data: unknown): void {
  const stack: unknown[] = [data];
  while (stack.length) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object') continue;
    const o = x as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (typeof o[k] === 'string') o[k] = escapeControls(o[k] as string);
      else stack.push(o[k]);
    }
  }
}

/** Loads a model that must be valid (built-in models); throws with every error otherwise. */
export function mustLoadModel(data: unknown): LoadedModel {
  const r = loadModel(data);
  if (!r.ok) throw new Error(`invalid model:\n  ${r.errors.join('\n  ')}`);
  return r.value;
}

function paramsOf(model: Model): ParamDef[] {
  const common = COMMON_PARAMS.map((p0) => {
    const p = fitToStep(p0, model.dtS);
    const d = ownValue(model.defaults, p.id);
    if (d === undefined) return p;
    const parsed = parseValue(p, d);
    return parsed.ok ? { ...p, default: parsed.value } : p;
  });
  // A model's own times in seconds are counted in whole steps (trigger times and lengths, latency).
  const own = (model.params as ParamDef[]).map((p) => (p.kind === 'number' && p.unit === 's' ? fitToStep({ ...p, time: 'ticks' }, model.dtS) : p));
  return [...common, ...own];
}

function crossCheck(model: Model): string[] {
  const errors: string[] = [];
  // Ids that name a member every object has are refused before anything looks them up.
  const member = (path: string, id: string | undefined) => id !== undefined && namesObjectMember(id) && errors.push(objectMemberError(path, id));
  member('id', model.id);
  model.regions.forEach((r, i) => member(`regions.${i}.id`, r.id));
  model.services.forEach((s, i) => member(`services.${i}.id`, s.id));
  model.sources.forEach((s, i) => member(`sources.${i}.id`, s.id));
  model.params.forEach((p, i) => {
    member(`params.${i}.id`, p.id);
    if (p.knob.kind === 'timeline.group') member(`params.${i}.knob.group`, p.knob.group);
  });
  model.whatIfs.forEach((w, i) => member(`whatIfs.${i}.id`, w.id));
  model.timeline.forEach((ev, i) => member(`timeline.${i}.group`, ev.group));
  if (errors.length > 0) return errors;
  const regions = new Set(model.regions.map((r) => r.id));
  const services = new Set(model.services.map((s) => s.id));
  const sources = new Set(model.sources.map((s) => s.id));
  const dup = (what: string, ids: string[]) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) errors.push(`${what}: "${id}" appears twice`);
      seen.add(id);
    }
  };
  dup('regions', model.regions.map((r) => r.id));
  dup('services', model.services.map((s) => s.id));
  dup('sources', model.sources.map((s) => s.id));
  dup('whatIfs', model.whatIfs.map((w) => w.id));
  dup('params', [...COMMON_PARAMS.map((p) => p.id), ...model.params.map((p) => p.id)]);

  model.regions.forEach((r, i) => {
    if (r.pair !== undefined && !regions.has(r.pair)) errors.push(`regions.${i}.pair: no region "${r.pair}"`);
    if (r.pair === r.id) errors.push(`regions.${i}.pair: a region cannot fail over to itself; name another region or leave pair out`);
  });
  const checkScales = (path: string, scales: Record<string, number> | undefined) => {
    for (const id of Object.keys(scales ?? {})) if (!regions.has(id)) errors.push(`${path}.${id}: no such region`);
  };
  model.services.forEach((s, i) => checkScales(`services.${i}.regionScale`, s.regionScale));
  model.calls.forEach((c, i) => {
    if (!services.has(c.from)) errors.push(`calls.${i}.from: no service "${c.from}"`);
    if (!services.has(c.to)) errors.push(`calls.${i}.to: no service "${c.to}"`);
    if (c.from === c.to) errors.push(`calls.${i}: a service cannot call itself`);
    checkScales(`calls.${i}.regionPerRequest`, c.regionPerRequest);
  });
  model.sources.forEach((s, i) => {
    if (!services.has(s.service)) errors.push(`sources.${i}.service: no service "${s.service}"`);
    checkScales(`sources.${i}.regionScale`, s.regionScale);
  });
  if (errors.length === 0) {
    try {
      callOrder(model);
    } catch (e) {
      errors.push(`calls: ${(e as Error).message}`);
    }
  }
  if (model.rollout) {
    const r = model.rollout;
    if (!services.has(r.service)) errors.push(`rollout.service: no service "${r.service}"`);
    if (!services.has(r.gateWatches)) errors.push(`rollout.gateWatches: no service "${r.gateWatches}"`);
    r.order.forEach((id, i) => !regions.has(id) && errors.push(`rollout.order.${i}: no region "${id}"`));
  }

  // Values are checked against the parameters as they apply to this model's step.
  const allParams = new Map<string, ParamDef>(paramsOf(model).map((p) => [p.id, p]));
  if (model.focus) {
    if (!regions.has(model.focus.region)) errors.push(`focus.region: no region "${model.focus.region}"`);
    if (!services.has(model.focus.service)) errors.push(`focus.service: no service "${model.focus.service}"`);
  }
  model.params.forEach((p, i) => {
    const path = `params.${i}`;
    if (p.id.length > 60) errors.push(`${path}.id: at most 60 characters`);
    if (RESERVED_IDS.includes(p.id)) errors.push(`${path}.id: "${p.id}" is a word links use for the page itself; choose another id`);
    if (p.kind === 'number') {
      if (p.min === undefined || p.max === undefined) errors.push(`${path}: a number parameter needs min and max`);
      else if (p.min > p.max) errors.push(`${path}: min is above max`);
    } else if (!p.options) errors.push(`${path}: an enum parameter needs options`);
    if (errors.length === 0) {
      const ok = parseValue(p as ParamDef, p.default);
      if (!ok.ok) errors.push(`${path}.default: ${ok.error}`);
    }
    const k = p.knob;
    if ((k.kind === 'source.rate') && !sources.has(k.source)) errors.push(`${path}.knob.source: no source "${k.source}"`);
    if ((k.kind === 'service.capacity' || k.kind === 'service.quota' || k.kind === 'service.errors' || k.kind === 'service.latency') && !services.has(k.service))
      errors.push(`${path}.knob.service: no service "${k.service}"`);
  });
  for (const [id, value] of Object.entries(model.defaults)) {
    const def = allParams.get(id);
    if (!def) continue;
    const ok = parseValue(def, value);
    if (!ok.ok) errors.push(`defaults.${id}: expected ${describeAllowed(def)}`);
  }

  const checkSettings = (path: string, settings: Record<string, string | number>) => {
    for (const [id, value] of Object.entries(settings)) {
      const def = allParams.get(id);
      if (!def) errors.push(`${path}.${id}: no such parameter`);
      else if (!parseValue(def, value).ok) errors.push(`${path}.${id}: expected ${describeAllowed(def)}`);
    }
  };
  // Schema 2: calls and services with policies of their own, each value as its parameter allows.
  const checkPolicy = (path: string, policy: Record<string, unknown>) => {
    for (const [id, value] of Object.entries(policy)) {
      if (id === 'preset' || value === undefined) continue;
      const def = policyParam(id)!;
      const fitted = fitToStep(def, model.dtS);
      if (!parseValue(fitted, value).ok) errors.push(`${path}.${id}: expected ${describeAllowed(fitted)}`);
    }
  };
  model.calls.forEach((c, i) => {
    if (!c.policy) return;
    if (model.schema < 2) errors.push(`calls.${i}.policy: a call's own policy needs "schema": 2`);
    checkPolicy(`calls.${i}.policy`, c.policy);
  });
  model.services.forEach((svc, i) => {
    if (!svc.policy) return;
    if (model.schema < 2) errors.push(`services.${i}.policy: a service's own policy needs "schema": 2`);
    checkPolicy(`services.${i}.policy`, svc.policy);
  });
  // A service's queue gives up on a request when its caller does: every caller of a service waits
  // as long. A call may set its own timeout only into a service no source enters, and calls into
  // one service that set one agree with each other and are all that call it.
  model.services.forEach((svc) => {
    const into = model.calls.map((c, i) => ({ c, i })).filter(({ c }) => c.to === svc.id);
    const timed = into.filter(({ c }) => c.policy?.timeout !== undefined);
    if (timed.length === 0) return;
    const first = timed[0];
    if (model.sources.some((src) => src.service === svc.id)) errors.push(`calls.${first.i}.policy.timeout: sources enter "${svc.id}" too, and they wait the model-wide timeout; set "timeout" in defaults instead`);
    else if (timed.length !== into.length) errors.push(`calls.${into.find(({ c }) => c.policy?.timeout === undefined)!.i}.policy.timeout: every call into "${svc.id}" waits as long as the others (the service's queue gives up when its callers do); set the same timeout on every call into it`);
    else {
      const other = timed.find(({ c }) => c.policy!.timeout !== first.c.policy!.timeout);
      if (other) errors.push(`calls.${other.i}.policy.timeout: ${other.c.policy!.timeout} s, but calls.${first.i} into "${svc.id}" waits ${first.c.policy!.timeout} s; calls into one service wait as long as each other`);
    }
  });
  model.whatIfs.forEach((w, i) => checkSettings(`whatIfs.${i}.params`, w.params));
  model.story.forEach((c, i) => {
    checkSettings(`story.${i}.params`, c.params);
    if (typeof c.at === 'string' && !c.at.startsWith('$') && !model.clock) errors.push(`story.${i}.at: "HH:MM" times need a clocked model`);
    if (typeof c.from === 'string' && !c.from.startsWith('$') && !model.clock) errors.push(`story.${i}.from: "HH:MM" times need a clocked model`);
    if (c.region && !regions.has(c.region)) errors.push(`story.${i}.region: no region "${c.region}"`);
    if (c.service && !services.has(c.service)) errors.push(`story.${i}.service: no service "${c.service}"`);
    c.highlight.forEach((h, j) => !services.has(h) && errors.push(`story.${i}.highlight.${j}: no service "${h}"`));
  });
  // A fixed time the run never reaches would never come: say so rather than let it pass unseen.
  // An event happens on a step, and the run's last step begins one step before its end; a
  // chapter is a moment to look at, and the end itself can be looked at.
  const end = model.durationS;
  const late = (path: string, at: number | string | undefined, what: 'event' | 'chapter') => {
    const t = typeof at === 'number' ? at : typeof at === 'string' && !at.startsWith('$') ? secondsAtTimeOfDay(model, at) : null;
    // A time of day past 23:59 never comes: it is refused, not left to pass unseen.
    if (t === null && typeof at === 'string' && !at.startsWith('$') && model.clock) {
      errors.push(`${path}: "${at}" is not a time of day; expected HH:MM with hours 00 to 23 and minutes 00 to 59`);
    }
    if (t === null) return;
    // An event happens on a step: one between two steps would be moved to the nearest without a word.
    if (what === 'event' && !isMultipleOf(t, model.dtS)) {
      errors.push(`${path}: ${at} is not on a step of this model (dtS ${model.dtS} s), so it cannot happen then; use a multiple of ${model.dtS} s`);
      return;
    }
    if (what === 'chapter' ? t > end : Math.round(t / model.dtS) >= Math.round(end / model.dtS))
      errors.push(`${path}: ${at} is ${what === 'event' ? 'at or ' : ''}after the end of the run (durationS ${end} s), so it would never happen; move it earlier or lengthen durationS`);
  };
  if (typeof model.opensAt === 'string' && !model.opensAt.startsWith('$') && !model.clock) errors.push('opensAt: "HH:MM" times need a clocked model');
  late('opensAt', model.opensAt, 'chapter');
  model.story.forEach((c, i) => {
    late(`story.${i}.at`, c.at, 'chapter');
    late(`story.${i}.from`, c.from, 'chapter');
  });
  model.timeline.forEach((ev, i) => {
    const path = `timeline.${i}`;
    late(`${path}.at`, ev.at, 'event');
    if (typeof ev.at === 'string' && ev.at.startsWith('$')) checkRef(`${path}.at`, ev.at, allParams, errors, model.clock ? 'time' : 'number');
    else if (typeof ev.at === 'string' && !model.clock) errors.push(`${path}.at: "HH:MM" times need a clocked model`);
    ev.regions?.forEach((id, j) => !regions.has(id) && errors.push(`${path}.regions.${j}: no region "${id}"`));
    if ('service' in ev && !services.has(ev.service)) errors.push(`${path}.service: no service "${ev.service}"`);
    // Every argument within the one table of ranges the operator's seat and links read.
    for (const [key, val] of Object.entries(ev)) {
      const range = argRange(ev.type, key, model.dtS);
      if (!range) continue;
      if (typeof val === 'string' && val.startsWith('$')) {
        const def = checkRef(`${path}.${key}`, val, allParams, errors);
        // A parameter's whole range must fit; a length may be 0, which turns the event off.
        const min = range.steps ? 0 : range.min;
        if (def && (def.min! < min || def.max! > range.max)) {
          errors.push(`${path}.${key}: parameter "${def.id}" runs from ${def.min} to ${def.max}, outside the ${range.label}'s ${describeRange({ ...range, min })}; narrow its min and max`);
        }
      } else if (typeof val === 'number' || val === 'off') {
        const e = argError(range, val, model.dtS, true);
        if (e) errors.push(`${path}.${key}: ${e}`);
      }
    }
    if ((ev.type === 'rollout.start' || ev.type === 'rollout.disable') && !model.rollout)
      errors.push(`${path}: a rollout event needs the model's rollout`);
  });
  // The operator's seat offers these durations (a fault for ½, 1, 2 or 4 times faultS): each within the table.
  const seat: [string, number, ReturnType<typeof argRange>][] = [
    ['operator.scaleoutDelayS', model.operator.scaleoutDelayS, argRange('scaleout', 'delayS', model.dtS)],
    ['operator.rampS', model.operator.rampS, argRange('ramp', 'durationS', model.dtS)],
    ['operator.faultS', model.operator.faultS / 2, argRange('fault', 'durationS', model.dtS)],
    ['operator.faultS', model.operator.faultS * 4, argRange('fault', 'durationS', model.dtS)],
  ];
  for (const [path, value, range] of seat) {
    const e = argError(range!, value, model.dtS, false);
    if (e) errors.push(`${path}: the operator's seat would offer ${e}`);
  }
  return errors;
}

/**
 * The parameter a "$id" names, or undefined (with an error): a number parameter, or for a time on
 * a clocked model (`takes` 'time') a choice of times of day such as "21:18".
 */
function checkRef(path: string, ref: string, params: Map<string, ParamDef>, errors: string[], takes: 'number' | 'time' = 'number'): ParamDef | undefined {
  const def = params.get(ref.slice(1));
  const times = takes === 'time' && def?.kind === 'enum' && (def.options ?? []).every((o) => /^([01]?\d|2[0-3]):[0-5]\d$/.test(o));
  if (!def) errors.push(`${path}: no parameter "${ref.slice(1)}"`);
  else if (def.kind !== 'number' && !times) errors.push(`${path}: parameter "${def.id}" is not a number${takes === 'time' ? ' nor a choice of times of day' : ''}`);
  else return def;
  return undefined;
}

/** Default value of every parameter. */
export function defaultValues(params: readonly ParamDef[]): Record<string, ParamValue> {
  return Object.fromEntries(params.map((p) => [p.id, p.default]));
}
