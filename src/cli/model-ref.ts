/**
 * A model named on the command line (a built-in id, or a path to a model file) and the times its
 * options name, for every command (simulate, sweep, figure:map). Errors are one sentence naming
 * what was wrong and what is allowed, never echoing control characters.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { secondsAtTimeOfDay } from '../engine/clock.ts';
import { loadModel, type LoadedModel } from '../engine/load-model.ts';
import { decodeModelText } from '../engine/model-text.ts';
import { describeAllowed, isMultipleOf, parseValue } from '../params/registry.ts';
import { echo } from './args.ts';

const MAX_MODEL_BYTES = 1 << 20;

export class UsageError extends Error {}

/**
 * A file's text: only a regular file (not a device, a pipe or a directory) of at most 1 MiB (or `maxBytes`),
 * checked before anything is read. Opening does not wait on a pipe; the size is checked again on
 * the open file, and never more than the limit is read. `what` names the file in messages.
 */
export function readSmallFile(ref: string, what = 'model file', maxBytes = MAX_MODEL_BYTES): string {
  const name = `${what} ${echo(ref)}`;
  const limit = `${maxBytes / (1 << 20)} MiB`;
  const before = statSync(ref);
  if (!before.isFile()) throw new UsageError(`${name} is not a regular file`);
  if (before.size > maxBytes) throw new UsageError(`${name} is larger than ${limit}`);
  const fd = openSync(ref, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UsageError(`${name} is not a regular file`);
    const buf = Buffer.alloc(Math.min(maxBytes, st.size) + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > maxBytes) throw new UsageError(`${name} is larger than ${limit}`);
    if (n > st.size) throw new UsageError(`${name} grew while it was read`);
    const decoded = decodeModelText(buf.subarray(0, n));
    if (!decoded.ok) throw new UsageError(`${name}: ${decoded.error}`);
    return decoded.text;
  } finally {
    closeSync(fd);
  }
}

/** The model's data (for workers that load it themselves) and the model, loaded. */
export function resolveModel(ref: string): { data: unknown; loaded: LoadedModel } {
  const builtin = Object.hasOwn(BUILTIN_MODELS, ref);
  let data: unknown = builtin ? BUILTIN_MODELS[ref] : undefined;
  if (!builtin) {
    if (!/[/\\]|\.json$/i.test(ref)) {
      throw new UsageError(`unknown model "${echo(ref)}"; built-in models are ${Object.keys(BUILTIN_MODELS).join(', ')}, or give a path to a model file`);
    }
    let text: string;
    try {
      text = readSmallFile(ref);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`cannot read model file ${echo(ref)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`model file ${echo(ref)} is not valid JSON: ${(e as Error).message}`);
    }
  }
  const r = loadModel(data);
  if (!r.ok) throw new UsageError(`model ${echo(ref)} is invalid: ${r.errors.slice(0, 3).join('; ')}`);
  return { data, loaded: r.value };
}

/** An `--at` time (seconds, or HH:MM on a clocked model) in seconds from the start, within the run. */
export function atSeconds(loaded: LoadedModel, time: string, where: string, endS: number): number {
  let atS: number;
  if (time.includes(':')) {
    const t = secondsAtTimeOfDay(loaded.model, time);
    if (t === null) {
      throw new UsageError(
        loaded.model.clock
          ? `${where}: "${echo(time)}" is not a time of day (HH:MM, 00:00 to 23:59)`
          : `${where}: HH:MM needs a clocked model; ${loaded.model.id} takes seconds from the start`,
      );
    }
    atS = t;
  } else atS = Number(time);
  // A change happens on a step: one between two steps would be moved to the nearest without a word.
  if (!isMultipleOf(atS, loaded.model.dtS)) throw new UsageError(`${where}: ${echo(time)} s is not on a step of ${loaded.model.id} (dtS ${loaded.model.dtS} s); use a multiple of ${loaded.model.dtS} s`);
  if (atS > endS) throw new UsageError(`${where}: the time is after the end of the run (${endS} s)`);
  return atS;
}

/** A `--set` or `--at` value: a parameter of the model (its own entry), and a value it takes. */
export function checkParam(loaded: LoadedModel, id: string, value: string, where: string): void {
  const def = loaded.params.find((p) => p.id === id);
  if (!def) throw new UsageError(`${where}: unknown parameter "${echo(id)}"; ${loaded.model.id} has ${loaded.params.map((p) => p.id).join(', ')}`);
  if (!parseValue(def, value).ok) throw new UsageError(`${where}: ${def.id}: "${echo(value)}" is not allowed; expected ${describeAllowed(def)}`);
}
