/**
 * What the builder lets a person edit, one table per part of a model, in the model file's own
 * names: the form is drawn from these tables and each edit writes the field named here. A field
 * added to a call or a service later (a per-call retry policy) is one more row.
 */
import { ACTION_ARGS, type ArgRange } from '../../params/actions.ts';
import { COMMON_PARAMS, describeAllowed, type ParamDef } from '../../params/registry.ts';
import { MAX_RATE } from '../../engine/model.ts';
import { CALL_POLICY_IDS, policyParam, SERVICE_POLICY_IDS } from '../../engine/policy.ts';
import { CLIENT_POLICIES } from '../../params/presets.ts';
import type { EventType } from '../../engine/model.ts';

export interface FieldSpec {
  /** The model file's name for it. */
  key: string;
  label: string;
  kind: 'text' | 'number' | 'time' | 'bool' | 'service' | 'region' | 'setting' | 'choice';
  /** A choice's options (empty: the model-wide value). */
  options?: readonly { value: string; label: string }[];
  unit?: string;
  min?: number;
  max?: number;
  step?: number;
  /** May be left out (an empty text or number removes it from the model). */
  optional?: boolean;
  /** What the model file says it means, shown as the field's help. */
  help?: string;
}

export const SERVICE_FIELDS: readonly FieldSpec[] = [
  { key: 'label', label: 'Name', kind: 'text', max: 60 },
  { key: 'family', label: 'Family', kind: 'text', max: 40, optional: true, help: 'The name the scoreboard reports it under; empty: only a link in the chain.' },
  { key: 'capacityRps', label: 'Capacity', kind: 'number', unit: 'req/s', min: 0, max: MAX_RATE, step: 10 },
  { key: 'door', label: 'Front door', kind: 'bool', help: 'The front-door admission limit (setting Front-door admission) applies here.' },
  { key: 'failover', label: 'Fails over', kind: 'bool', help: "Retries to it may go to the paired region, in the failover share." },
];

export const CALL_FIELDS: readonly FieldSpec[] = [
  { key: 'perRequest', label: 'Per request', kind: 'number', unit: 'calls', min: 1e-9, max: 100, step: 0.1, help: 'Calls to it made for each request the caller serves.' },
];

export const SOURCE_FIELDS: readonly FieldSpec[] = [
  { key: 'label', label: 'Name', kind: 'text', max: 60 },
  { key: 'service', label: 'Calls', kind: 'service' },
  { key: 'rateRps', label: 'Rate', kind: 'number', unit: 'req/s', min: 0, max: MAX_RATE, step: 10, help: 'New requests per second (first tries only).' },
  { key: 'parks', label: 'Parks', kind: 'bool', help: 'Orchestrated work: refused or out of retries, it waits in a backlog; otherwise it gives up.' },
];

export const REGION_FIELDS: readonly FieldSpec[] = [
  { key: 'label', label: 'Name', kind: 'text', max: 60 },
  { key: 'pair', label: 'Pair', kind: 'region', optional: true, help: 'The region that takes its failed-over calls.' },
  { key: 'lat', label: 'Latitude', kind: 'number', unit: '°', min: -90, max: 90, step: 0.1, optional: true },
  { key: 'lon', label: 'Longitude', kind: 'number', unit: '°', min: -180, max: 180, step: 0.1, optional: true },
];

export const RUN_FIELDS: readonly FieldSpec[] = [
  { key: 'title', label: 'Title', kind: 'text', max: 120 },
  { key: 'durationS', label: 'Run length', kind: 'number', unit: 's', min: 1, max: 7 * 86400, step: 60 },
  { key: 'dtS', label: 'Step', kind: 'number', unit: 's', min: 0.01, max: 10, step: 0.05, help: 'Every time the engine counts in steps (timeouts, event times) must be a multiple of it.' },
];

/**
 * A call's own retry policy and a service's own queue policy (model schema 2): each field empty
 * means the model-wide setting of the same name applies. A number field that may be off takes
 * "off" too.
 */
function policyField(id: string, of: string): FieldSpec {
  const def = policyParam(id)!;
  const label = `${def.label} ${of}`;
  if (def.kind === 'enum') return { key: id, label, kind: 'choice', options: [{ value: '', label: '(model-wide)' }, ...def.options!.map((o) => ({ value: o, label: o }))], help: def.description };
  return { key: id, label, kind: 'setting', unit: def.unit, min: def.min, max: def.max, optional: true, help: def.description };
}

export const CALL_POLICY_FIELDS: readonly FieldSpec[] = [
  { key: 'preset', label: 'Client on this call', kind: 'choice', options: [{ value: '', label: '(model-wide)' }, ...CLIENT_POLICIES.map((p) => ({ value: p.id, label: p.label }))], help: 'A real client\'s published retry policy; the fields below refine it.' },
  ...CALL_POLICY_IDS.map((id) => policyField(id, 'on this call')),
];

export const SERVICE_POLICY_FIELDS: readonly FieldSpec[] = SERVICE_POLICY_IDS.map((id) => policyField(id, 'at this service'));

/** The model-wide settings the builder offers, written as the model's defaults. */
export const DEFAULT_SETTINGS: readonly string[] = ['retry.attempts', 'timeout'];

export function commonParam(id: string): ParamDef {
  return COMMON_PARAMS.find((p) => p.id === id)!;
}

/** The failover share: a model parameter (knob routing.failover), made when first set. */
export const FAILOVER_PARAM = {
  id: 'failover',
  label: 'Failover share',
  unit: '%',
  group: 'regions',
  kind: 'number',
  min: 0,
  max: 100,
  step: 1,
  default: 0,
  description: "Share of a region's failed calls to a service that fails over that are retried in the paired region. 0 keeps regions isolated.",
  knob: { kind: 'routing.failover' },
} as const;

/** Timeline events the builder adds: faults, storage, and the operator's actions. */
export const EVENT_TYPES: readonly { type: EventType; label: string }[] = [
  { type: 'fault', label: 'Capacity drop' },
  { type: 'errors', label: 'Errors' },
  { type: 'latency', label: 'Latency' },
  { type: 'block', label: 'Storage blocks' },
  { type: 'restore', label: 'Storage restored' },
  { type: 'scaleout', label: 'Scale out' },
  { type: 'admission', label: 'Admission limit' },
  { type: 'ramp', label: 'Ramp traffic' },
  { type: 'isolate', label: 'Isolate regions' },
  { type: 'reconnect', label: 'Reconnect regions' },
  { type: 'note', label: 'Note' },
];

/** What an event of `type` is called: the builder's own types, and the rollout's, which a model with a rollout has. */
export function eventLabel(type: string): string {
  const rollout: Record<string, string> = { 'rollout.start': 'Rollout starts', 'rollout.disable': 'Rollout disabled' };
  return EVENT_TYPES.find((t) => t.type === type)?.label ?? (Object.hasOwn(rollout, type) ? rollout[type] : type);
}

/** Event types that act on a service (the others act on regions or the whole run). */
export const EVENT_ON_SERVICE: ReadonlySet<string> = new Set(['fault', 'errors', 'latency', 'block', 'restore', 'scaleout', 'admission', 'ramp']);

/** The fields of an event of `type`: when, on what, and its arguments from the one table of ranges. */
export function eventFields(type: string, dtS: number): FieldSpec[] {
  const fields: FieldSpec[] = [{ key: 'at', label: 'At', kind: 'time', unit: 's or HH:MM', min: 0, max: 7 * 86400, step: dtS, help: 'Seconds from the start, on a step of the model; or, on a model with a clock, a time of day (HH:MM).' }];
  if (EVENT_ON_SERVICE.has(type)) fields.push({ key: 'service', label: 'Service', kind: 'service' });
  const args: Readonly<Record<string, ArgRange>> = Object.hasOwn(ACTION_ARGS, type) ? ACTION_ARGS[type as EventType] : {};
  for (const [key, r] of Object.entries(args)) {
    const min = r.steps ? dtS : r.min;
    fields.push({ key, label: r.label[0].toUpperCase() + r.label.slice(1), kind: 'number', unit: r.unit, min, max: r.max, step: r.steps ? dtS : 1 });
  }
  fields.push({ key: 'label', label: 'Label', kind: 'text', max: 120, optional: true });
  return fields;
}

/** The value an event's argument starts at when the event is added. */
export function eventStartValue(type: string, key: string): number {
  const start: Record<string, number> = { capacityPercent: 20, percent: type === 'admission' ? 100 : 100, addS: 1, durationS: 60, addPercent: 50, delayS: 60, toPercent: 100 };
  return Object.hasOwn(start, key) ? start[key] : 0;
}

/** One sentence saying what a field takes. */
export function allowedText(f: FieldSpec): string {
  if (f.kind === 'text') return `text of at most ${f.max} characters${f.optional ? ', or empty' : ''}`;
  if (f.kind === 'bool') return 'on or off';
  if (f.kind === 'time') return `seconds from 0 to ${f.max} on a step of the model, or a time of day (HH:MM) on a model with a clock`;
  if (f.kind === 'service') return 'one of the model’s services';
  if (f.kind === 'region') return `one of the model’s regions${f.optional ? ', or none' : ''}`;
  if (f.kind === 'choice') return `one of ${f.options!.filter((o) => o.value !== '').map((o) => o.value).join(', ')}, or the model-wide setting`;
  if (f.kind === 'setting') {
    const def = policyParam(f.key);
    return `${def ? describeAllowed(def) : 'a number'}, or empty for the model-wide setting`;
  }
  const n = (x: number) => (Math.abs(x) >= 1e6 ? x.toExponential(0) : String(x));
  return `a number from ${n(f.min ?? 0)} to ${n(f.max ?? MAX_RATE)}${f.unit ? ` ${f.unit}` : ''}${f.optional ? ', or empty' : ''}`;
}

export function allowedSetting(id: string): string {
  return describeAllowed(commonParam(id));
}
