/**
 * A client config's settings as they apply to one model: each value checked against the lab's
 * range for that parameter (refused, naming field, value and range, when outside it) and fitted
 * to the model's step (a delay under one step is one step; a timeout is a whole number of steps),
 * with a note for every value changed. What comes out is accepted by `--set` as it is.
 */
import { COMMON_PARAMS, formatValue, isMultipleOf, parseValue, type ParamDef, type ParamValue } from '../registry.ts';
import { clean, POLICY_IDS, printable, seconds, type ConfigRead, type Mapped } from './read.ts';

export interface PolicySettings {
  /** Lab settings by parameter id, in the order `--set` prints them. */
  settings: Record<string, ParamValue>;
  /** One line for each part the lab cannot represent exactly, and what it used instead. */
  notes: string[];
}

export type FitResult = { ok: true; value: PolicySettings } | { ok: false; error: string };

const valueText = (m: Mapped, def: ParamDef) => (def.unit === 's' && typeof m.value === 'number' ? seconds(m.value) : `${m.value}${def.unit === '%' ? ' %' : ''}`);
const source = (m: Mapped) => (m.given === 'absent' ? `${m.field} not set` : m.given !== undefined ? `${m.field} ${m.given}` : m.field);

/** `params` are the model's (fitted to its step `dtS`), as `loadModel` gives them. */
export function fitToModel(read: ConfigRead, params: readonly ParamDef[], dtS: number): FitResult {
  const settings: Record<string, ParamValue> = {};
  const notes = [...read.notes];
  for (const id of POLICY_IDS) {
    const m = [...read.settings].reverse().find((s) => s.id === id);
    const def = params.find((p) => p.id === id);
    if (!m || !def) continue;
    if (typeof m.value === 'string') {
      const parsed = parseValue(def, m.value);
      if (!parsed.ok) throw new Error(`client-config: ${parsed.error}`);
      settings[id] = parsed.value;
      continue;
    }
    const common = COMMON_PARAMS.find((p) => p.id === id) ?? def;
    let v = m.value;
    if (v < 0 || v > def.max!) {
      const unit = def.unit === 's' ? ' s' : def.unit === '%' ? ' %' : '';
      return { ok: false, error: printable(`${m.field} ${m.given === undefined || m.given === 'absent' ? m.value : m.given}: outside the lab's range for ${def.label.toLowerCase()} (${id}), ${common.min} to ${def.max}${unit}`) };
    }
    const what = `${def.label.toLowerCase()} ${valueText(m, def)} (${source(m)})`;
    if (v < def.min!) {
      v = def.min!;
      const shownMin = def.unit === 's' ? seconds(v) : String(v);
      notes.push(`${what} is under ${def.min === dtS ? `the model's step of ${seconds(dtS)}` : `the lab's least, ${shownMin}`}: ${shownMin} used`);
    } else if (def.multipleOf && !isMultipleOf(v, def.multipleOf)) {
      v = clean(Math.max(def.min!, Math.round(v / def.multipleOf) * def.multipleOf));
      const grain = def.time === 'ticks' ? `a whole number of the model's steps of ${seconds(def.multipleOf)}` : `a multiple of ${def.multipleOf}`;
      notes.push(`${what} is not ${grain}: ${def.unit === 's' ? seconds(v) : v} used`);
    }
    const parsed = parseValue(def, formatValue(clean(v)));
    if (!parsed.ok) throw new Error(`client-config: ${parsed.error}`);
    settings[id] = parsed.value;
  }
  return { ok: true, value: { settings, notes: notes.map((n) => printable(n)) } };
}

/** The settings as `--set ID=VALUE` arguments, in order. */
export function setArgs(settings: Record<string, ParamValue>): string[] {
  return Object.entries(settings).flatMap(([id, v]) => ['--set', `${id}=${formatValue(v)}`]);
}
