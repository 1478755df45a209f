/**
 * Simulated time: seconds from the model's start. Clocked models also have a wall clock (UTC);
 * "HH:MM" means the first such time at or after the start (so 00:07 after a 17:30 start is the
 * next day).
 */
import type { ParamValue } from '../params/registry.ts';
import type { Model, NumOrRef } from './model.ts';

export function clockStartMs(model: Pick<Model, 'clock'>): number | null {
  return model.clock ? Date.parse(model.clock.start) : null;
}

/** ISO-8601 UTC for `t` seconds after the start, or "" on unclocked models. */
export function clockAt(model: Pick<Model, 'clock'>, t: number): string {
  const start = clockStartMs(model);
  if (start === null) return '';
  return new Date(start + Math.round(t * 1000)).toISOString().replace('.000Z', 'Z');
}

/** Seconds from the start for "HH:MM", or null if the text is not a time of day. */
export function secondsAtTimeOfDay(model: Pick<Model, 'clock'>, hhmm: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  const start = clockStartMs(model);
  if (!m || start === null) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  const startOfDay = Math.floor(start / 86_400_000) * 86_400_000;
  let t = startOfDay + (h * 60 + min) * 60_000;
  if (t < start) t += 86_400_000;
  return (t - start) / 1000;
}

/** A number or "$param" read from the current parameter values. */
export function resolveNumber(value: NumOrRef, params: Readonly<Record<string, ParamValue>>): number {
  if (typeof value === 'number') return value;
  const id = value.slice(1);
  const v = Object.hasOwn(params, id) ? params[id] : undefined;
  return typeof v === 'number' ? v : NaN;
}

/** When an event happens, in seconds from the start (NaN if it refers to a parameter that is off). */
export function eventSeconds(model: Pick<Model, 'clock'>, at: number | string, params: Readonly<Record<string, ParamValue>>): number {
  if (typeof at === 'number') return at;
  if (at.startsWith('$')) {
    // A parameter read as a time: seconds, or a time of day (an option such as "21:18").
    const v = params[at.slice(1)];
    return typeof v === 'string' ? (secondsAtTimeOfDay(model, v) ?? NaN) : resolveNumber(at, params);
  }
  return secondsAtTimeOfDay(model, at) ?? NaN;
}

/** The first multiple of `every` after tick `t` (the next sample, snapshot, …). */
export function nextMultiple(t: number, every: number): number {
  return (Math.floor(t / every) + 1) * every;
}
