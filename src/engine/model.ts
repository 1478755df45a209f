/**
 * A model is a scenario as data: regions, services, who calls whom, where new work comes from,
 * its own parameters and a scripted timeline. Models are validated on load (`parseModel`), never
 * executed. Adding a scenario never touches engine code.
 */
import * as v from 'valibot';
import { CallPolicySchema, ServicePolicySchema } from './policy.ts';

const Id = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,39}$/, 'an id: lowercase letters, digits and dashes, at most 40'));
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
/**
 * Every number a model holds is bounded, so that every output of a run stays finite: rates and
 * capacities up to a billion per second, multipliers up to ten thousand.
 */
export const MAX_RATE = 1e9;
export const MAX_SCALE = 1e4;
const NonNeg = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_RATE));
const Positive = v.pipe(v.number(), v.finite(), v.minValue(1e-9), v.maxValue(MAX_RATE));
const Scale = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_SCALE));
/** A number, or "$param-id" read from a parameter when the event fires. */
const NumOrRef = v.union([v.pipe(v.number(), v.finite(), v.minValue(-MAX_RATE), v.maxValue(MAX_RATE)), v.pipe(v.string(), v.maxLength(60), v.regex(/^\$[a-zA-Z][\w.-]*$/))]);
/** Seconds from the start, "HH:MM" on clocked models, or "$param-id". */
const At = v.union([NonNeg, v.pipe(v.string(), v.maxLength(60), v.regex(/^(\d{1,2}:\d{2}|\$[a-zA-Z][\w.-]*)$/))]);
const Scales = v.optional(v.pipe(v.record(Id, Scale), v.check((r) => Object.keys(r).length <= 256, 'at most 256 entries')));

/**
 * Where a fact in a model comes from: the incident report (`text` quotes its wording) or an
 * assumption of the model (`text` says what was assumed and why). The page shows which is which.
 */
const Provenance = v.object({
  kind: v.picklist(['report', 'assumed']),
  text: Text(400),
});

const Knob = v.variant('kind', [
  v.object({ kind: v.literal('source.rate'), source: Id }),
  v.object({ kind: v.literal('service.capacity'), service: Id }),
  v.object({ kind: v.literal('service.quota'), service: Id }),
  v.object({ kind: v.literal('service.errors'), service: Id }),
  v.object({ kind: v.literal('service.latency'), service: Id }),
  v.object({ kind: v.literal('routing.failover') }),
  v.object({ kind: v.literal('source.release') }),
  v.object({ kind: v.literal('rollout.preflight') }),
  v.object({ kind: v.literal('rollout.gate') }),
  v.object({ kind: v.literal('timeline.group'), group: Id }),
  v.object({ kind: v.literal('timeline.ref') }),
]);

const ParamDefSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/, 'a parameter id like "trigger.at"')),
  label: Text(60),
  unit: Text(12),
  group: v.picklist(['scenario', 'retries', 'server', 'regions', 'recovery']),
  kind: v.picklist(['number', 'enum']),
  min: v.optional(v.pipe(v.number(), v.finite(), v.minValue(-MAX_RATE), v.maxValue(MAX_RATE))),
  max: v.optional(v.pipe(v.number(), v.finite(), v.minValue(-MAX_RATE), v.maxValue(MAX_RATE))),
  step: v.optional(Positive),
  options: v.optional(v.pipe(v.array(Text(40)), v.minLength(1), v.maxLength(20))),
  off: v.optional(v.boolean()),
  default: v.union([v.pipe(v.number(), v.finite(), v.minValue(-MAX_RATE), v.maxValue(MAX_RATE)), Text(40)]),
  description: Text(600),
  knob: Knob,
  /** Where its default comes from. */
  provenance: v.optional(Provenance),
});

const Region = v.object({
  id: Id,
  label: Text(60),
  /** The region that takes this region's failed-over calls. */
  pair: v.optional(Id),
  lat: v.optional(v.pipe(v.number(), v.minValue(-90), v.maxValue(90))),
  lon: v.optional(v.pipe(v.number(), v.minValue(-180), v.maxValue(180))),
  /** Multiplies every capacity and rate in the region. */
  scale: v.optional(Scale, 1),
  provenance: v.optional(Provenance),
});

const Service = v.object({
  id: Id,
  label: Text(60),
  description: v.optional(Text(400), ''),
  capacityRps: NonNeg,
  /** Extra per-region multiplier of capacity, on top of the region's scale. */
  regionScale: Scales,
  /** The front-door admission limit (parameter `admission`) applies here. */
  door: v.optional(v.boolean(), false),
  /** Retries to this service may be routed to the paired region (parameter-bound share). */
  failover: v.optional(v.boolean(), false),
  /** Capacity spent to reject one request (queue full, quota, forbidden), as a share of serving one. */
  rejectCost: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 0.02),
  /**
   * The name under which the scoreboard and every verdict report this service ("VM operations"):
   * the services people feel. Absent: the service is only a link in the chain.
   */
  family: v.optional(Text(40)),
  /** Schema 2: its own queue limit, queue order, queue timeout and per-caller quota (policy.ts). */
  policy: v.optional(ServicePolicySchema),
  provenance: v.optional(Provenance),
});

const Call = v.object({
  from: Id,
  to: Id,
  /** Calls to `to` made for each request `from` serves (before `from`'s earlier dependencies fail). */
  perRequest: v.optional(v.pipe(v.number(), v.finite(), v.minValue(1e-9), v.maxValue(100)), 1),
  regionPerRequest: v.optional(v.pipe(v.record(Id, v.pipe(v.number(), v.finite(), v.minValue(1e-9), v.maxValue(100))), v.check((r) => Object.keys(r).length <= 256, 'at most 256 entries'))),
  /** Schema 2: its own client timeout and retry policy, or a real client's preset (policy.ts). */
  policy: v.optional(CallPolicySchema),
  provenance: v.optional(Provenance),
});

const Source = v.object({
  id: Id,
  label: Text(60),
  /** The service this work enters at. */
  service: Id,
  rateRps: NonNeg,
  regionScale: Scales,
  /** Orchestrated work: refused by a missing dependency (403), it waits in a backlog instead of failing. */
  parks: v.optional(v.boolean(), false),
  /** "all" release: the backlog resumes with this time constant (orchestrators reconnecting). */
  resumeS: v.optional(Positive, 60),
  /** "batched" release: at most this multiple of the source's normal rate on top of new work. */
  batchFactor: v.optional(v.pipe(v.number(), v.finite(), v.minValue(1e-9), v.maxValue(MAX_SCALE)), 4),
  provenance: v.optional(Provenance),
});

const Rollout = v.object({
  /** The service whose accounts the remediation workflow locks down. */
  service: Id,
  label: v.optional(Text(80), 'Remediation workflow'),
  order: v.pipe(v.array(Id), v.minLength(1)),
  stageIntervalS: Positive,
  /** The service whose failures a seeing health gate watches. */
  gateWatches: Id,
  /**
   * Seconds the workflow takes to lock all of a region's targeted accounts once it reaches the
   * region (the share grows steadily); 0: all at once.
   */
  growS: v.optional(NonNeg, 0),
  /** How often the workflow moves on within the regions it has reached (default: the stage interval). */
  lockStepS: v.optional(Positive),
  /** A halted rollout restores the regions it touched after this delay. */
  rollbackS: v.optional(NonNeg, 600),
  provenance: v.optional(Provenance),
});

const EventBase = {
  at: At,
  label: v.optional(Text(120)),
  /** Event group, switchable by a `timeline.group` parameter (e.g. "operators"). */
  group: v.optional(Id),
  /** Regions it acts on; all regions when absent. */
  regions: v.optional(v.pipe(v.array(Id), v.maxLength(256))),
  /**
   * A scripted response acts only where it is called for: `unhealthy` where the service is not
   * healthy when the event comes, `held` where operators are holding its front door.
   */
  when: v.optional(v.picklist(['always', 'unhealthy', 'held']), 'always'),
  provenance: v.optional(Provenance),
};
const TimelineEvent = v.variant('type', [
  v.object({ ...EventBase, type: v.literal('note') }),
  v.object({ ...EventBase, type: v.literal('rollout.start') }),
  v.object({ ...EventBase, type: v.literal('rollout.disable') }),
  v.object({ ...EventBase, type: v.literal('block'), service: Id }),
  /** Serves again: all of it, or `percent` of it (the rest still refuses). */
  v.object({ ...EventBase, type: v.literal('restore'), service: Id, percent: v.optional(NumOrRef) }),
  v.object({ ...EventBase, type: v.literal('fault'), service: Id, capacityPercent: NumOrRef, durationS: NumOrRef }),
  /** An error fault: the service answers this share of tries with an error at once, cheaply. */
  v.object({ ...EventBase, type: v.literal('errors'), service: Id, percent: NumOrRef, durationS: NumOrRef }),
  /** A latency fault: every try at the service takes this many seconds longer. */
  v.object({ ...EventBase, type: v.literal('latency'), service: Id, addS: NumOrRef, durationS: NumOrRef }),
  v.object({ ...EventBase, type: v.literal('scaleout'), service: Id, addPercent: NumOrRef, delayS: NumOrRef }),
  v.object({ ...EventBase, type: v.literal('admission'), service: Id, percent: v.union([NumOrRef, v.literal('off')]) }),
  v.object({ ...EventBase, type: v.literal('ramp'), service: Id, toPercent: NumOrRef, durationS: NumOrRef }),
  /** Keeps the regions' failed calls at home, and refuses calls routed to them from elsewhere. */
  v.object({ ...EventBase, type: v.literal('isolate') }),
  v.object({ ...EventBase, type: v.literal('reconnect') }),
]);

const SettingValue = v.union([v.pipe(v.number(), v.finite(), v.minValue(-MAX_RATE), v.maxValue(MAX_RATE)), Text(40)]);
const ParamSettings = v.pipe(v.record(Text(60), SettingValue), v.check((r) => Object.keys(r).length <= 32, 'at most 32 settings'));

/** A lesson's what-if: settings applied to the whole run, with a one-line explanation. */
const WhatIf = v.object({
  id: Id,
  label: Text(60),
  description: v.optional(Text(400), ''),
  params: ParamSettings,
});

/** A chapter of the model's story: a few sentences, a moment, where to look. */
const Chapter = v.object({
  title: Text(80),
  text: Text(1200),
  /** When the chapter happens: seconds from the start, or "HH:MM" on clocked models. */
  at: At,
  /**
   * When the chapter's events begin, if before `at` (absent: `at`). With no chapter chosen, the
   * caption follows the clock and tells this chapter from then until the next one begins.
   */
  from: v.optional(At),
  region: v.optional(Id),
  service: v.optional(Id),
  /** Services to highlight in the dependency graph. */
  highlight: v.optional(v.pipe(v.array(Id), v.maxLength(16)), []),
  /** Settings for this chapter (absent: the model's defaults). */
  params: v.optional(ParamSettings, {}),
  /** Parts of the page hidden in this chapter so nothing distracts from it. */
  hide: v.optional(v.pipe(v.array(v.picklist(['controls', 'settings', 'charts', 'timeline', 'map', 'graph', 'story', 'whatifs', 'operator', 'scoreboard'])), v.maxLength(16)), []),
});

/** What the page says about this model in its own words (absent: nothing model-specific). */
const Texts = v.object({
  /** One line under the title: what to try first. */
  hint: v.optional(Text(400)),
});

/** Durations the operator's seat offers, in the model's own scale (seconds). */
const OperatorScale = v.object({
  scaleoutDelayS: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(7 * 86400)), 1800),
  rampS: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(7 * 86400)), 1800),
  faultS: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(7 * 86400)), 600),
});

export const ModelSchema = v.object({
  /** 1, or 2 for a model whose calls or services carry their own policies. */
  schema: v.union([v.literal(1), v.literal(2)], 'schema 1, or 2 for calls and services with their own policies'),
  id: Id,
  title: Text(120),
  description: v.optional(Text(2000), ''),
  /** Wall-clock start (ISO-8601 UTC) for clocked models. */
  clock: v.optional(v.object({ start: v.pipe(v.string(), v.isoTimestamp()) })),
  durationS: v.pipe(v.number(), v.minValue(1), v.maxValue(7 * 86400)),
  /** The service the lab judges by default (scoreboard headline, sweeps): region and service ids. */
  focus: v.optional(v.object({ region: Id, service: Id })),
  /** Where the page opens when a link names no time or chapter: the moment worth seeing first. */
  opensAt: v.optional(At),
  texts: v.optional(Texts, {}),
  operator: v.optional(OperatorScale, {}),
  /** Flow time step in seconds. */
  dtS: v.pipe(v.number(), v.minValue(0.01), v.maxValue(10)),
  seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1)), 1),
  /** Relative noise of new work per step (the only randomness). */
  noise: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(0.5)), 0.02),
  regions: v.pipe(v.array(Region), v.minLength(1), v.maxLength(256)),
  services: v.pipe(v.array(Service), v.minLength(1), v.maxLength(32)),
  calls: v.pipe(v.array(Call), v.maxLength(128)),
  sources: v.pipe(v.array(Source), v.minLength(1), v.maxLength(32)),
  rollout: v.optional(Rollout),
  params: v.pipe(v.array(ParamDefSchema), v.maxLength(64)),
  defaults: v.optional(v.pipe(v.record(Text(60), SettingValue), v.check((r) => Object.keys(r).length <= 64, 'at most 64 defaults')), {}),
  /** Where the model's other numbers come from, by path ("defaults.timeout", "dtS"). */
  provenance: v.optional(v.pipe(v.record(Text(80), Provenance), v.check((r) => Object.keys(r).length <= 128, 'at most 128 entries')), {}),
  timeline: v.pipe(v.array(TimelineEvent), v.maxLength(500)),
  whatIfs: v.optional(v.pipe(v.array(WhatIf), v.maxLength(24)), []),
  story: v.optional(v.pipe(v.array(Chapter), v.maxLength(40)), []),
});

export type Model = v.InferOutput<typeof ModelSchema>;
export type RegionDef = Model['regions'][number];
export type ServiceDef = Model['services'][number];
export type CallDef = Model['calls'][number];
export type SourceDef = Model['sources'][number];
export type TimelineEventDef = Model['timeline'][number];
export type WhatIfDef = Model['whatIfs'][number];
export type ChapterDef = Model['story'][number];
export type EventType = TimelineEventDef['type'];
/** An operator action: any timeline event, now (no `at`; `when` optional). */
export type Action = TimelineEventDef extends infer E
  ? E extends TimelineEventDef
    ? Omit<E, 'at' | 'when'> & { when?: E['when'] }
    : never
  : never;
export type NumOrRef = number | string;

/** A table's own entry for `key` (a region's scale, …), never a member of its prototype. */
export function ownValue<T>(table: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}
