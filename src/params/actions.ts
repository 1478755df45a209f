/**
 * The arguments of timeline events and operator actions, declared once: a label, a unit and the
 * range each accepts. Model files are refused outside them (naming field, value and range), the
 * operator's seat is refused outside them, and links bring a value into them with a notice.
 */
import type { EventType } from '../engine/model.ts';

export interface ArgRange {
  label: string;
  unit: string;
  min: number;
  max: number;
  /** The argument may also be `off` (an admission limit switched off). */
  off?: boolean;
  /** A time the engine counts in whole steps: at least one step, and a multiple of it in a model file. */
  steps?: boolean;
}

const WEEK_S = 7 * 86400;
/** A length in time: one step of the model (its `min` here is a placeholder for it) to a week. */
const DURATION: ArgRange = { label: 'duration', unit: 's', min: 1, max: WEEK_S, steps: true };

/** Every event type's numeric arguments. An event type without any has an empty entry. */
export const ACTION_ARGS: { readonly [T in EventType]: Readonly<Record<string, ArgRange>> } = {
  admission: { percent: { label: 'share', unit: '%', min: 0, max: 200, off: true } },
  ramp: { toPercent: { label: 'ramp to', unit: '%', min: 0, max: 200 }, durationS: DURATION },
  scaleout: { addPercent: { label: 'capacity added', unit: '%', min: 0, max: 1000 }, delayS: { label: 'delay', unit: 's', min: 0, max: WEEK_S } },
  fault: { capacityPercent: { label: 'capacity left', unit: '%', min: 0, max: 100 }, durationS: DURATION },
  /** Error faults answer a share of tries with errors: at most all of them. */
  errors: { percent: { label: 'share of tries failed', unit: '%', min: 0, max: 100 }, durationS: DURATION },
  latency: { addS: { label: 'latency added', unit: 's', min: 0, max: 600, steps: true }, durationS: DURATION },
  /** A restore gives back a share of what refused: at most all of it. */
  restore: { percent: { label: 'share restored', unit: '%', min: 0, max: 100 } },
  block: {},
  isolate: {},
  reconnect: {},
  note: {},
  'rollout.start': {},
  'rollout.disable': {},
};

/**
 * What argument `name` of an event of type `type` accepts, on a model that steps `dtS` seconds at
 * a time (a duration is at least one step); undefined if the type has no such argument.
 */
export function argRange(type: string, name: string, dtS = 1): ArgRange | undefined {
  if (!Object.hasOwn(ACTION_ARGS, type)) return undefined;
  const args = ACTION_ARGS[type as EventType];
  if (!Object.hasOwn(args, name)) return undefined;
  const r = args[name];
  return r === DURATION ? { ...r, min: dtS } : r;
}

/** "0 to 100 %", as every message about a range says it. */
export function describeRange(r: ArgRange): string {
  return `${r.min} to ${r.max} ${r.unit}${r.off ? ', or off' : ''}`;
}

/**
 * What is wrong with one argument's value, or null: a number outside its range, or (in a model
 * file, `onStep`) a time the engine counts in steps that is not a multiple of the step.
 */
export function argError(r: ArgRange, value: number | 'off', dtS: number, onStep: boolean): string | null {
  if (value === 'off') return r.off ? null : `off is not allowed; expected ${describeRange(r)}`;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < r.min || value > r.max) return `${r.label} ${value} ${r.unit} is outside ${describeRange(r)}`;
  if (onStep && r.steps) {
    const k = value / dtS;
    if (Math.abs(k - Math.round(k)) > 1e-9 * Math.max(1, k)) return `${r.label} ${value} s is not a whole number of this model's ${dtS} s steps`;
  }
  return null;
}

/**
 * Every out-of-range argument of an operator action (any timeline event, now), one sentence each:
 * the operator's seat refuses an action with any.
 */
export function actionArgErrors(action: Record<string, unknown> & { type: string }, dtS: number): string[] {
  if (!Object.hasOwn(ACTION_ARGS, action.type)) return [`"${String(action.type).slice(0, 40)}" is not an operator action`];
  const errors: string[] = [];
  for (const name of Object.keys(ACTION_ARGS[action.type as EventType])) {
    const value = Object.hasOwn(action, name) ? action[name] : undefined;
    if (value === undefined) continue;
    const r = argRange(action.type, name, dtS)!;
    const e = typeof value === 'number' || value === 'off' ? argError(r, value, dtS, false) : `${r.label} must be a number of ${r.unit}`;
    if (e) errors.push(`${action.type}: ${e}`);
  }
  return errors;
}
