/**
 * `npm run simulate`: runs a model headless and prints its samples as CSV or JSON.
 * Any bad input prints one line on stderr naming it and what is allowed, and exits with 2.
 */
import { readFileSync, statSync } from 'node:fs';
import { BUILTIN_MODELS, DEFAULT_MODEL_ID } from '../../models/index.ts';
import { secondsAtTimeOfDay } from '../engine/clock.ts';
import { loadModel, type LoadedModel } from '../engine/load-model.ts';
import type { TimedChange } from '../engine/run.ts';
import { ParamError } from '../engine/simulation.ts';
import { parseValue } from '../params/registry.ts';
import { parseArgs, USAGE, type CliOptions } from './args.ts';
import { renderRun } from '../engine/output.ts';

const MAX_MODEL_BYTES = 1 << 20;

class UsageError extends Error {}

function resolveModel(ref: string): LoadedModel {
  let data: unknown = Object.hasOwn(BUILTIN_MODELS, ref) ? BUILTIN_MODELS[ref] : undefined;
  if (data === undefined) {
    const looksLikePath = /[/\\]|\.json$/i.test(ref);
    if (!looksLikePath) {
      throw new UsageError(`unknown model "${ref}"; built-in models are ${Object.keys(BUILTIN_MODELS).join(', ')}, or give a path to a model file`);
    }
    let text: string;
    try {
      if (statSync(ref).size > MAX_MODEL_BYTES) throw new UsageError(`model file ${ref} is larger than 1 MiB`);
      text = readFileSync(ref, 'utf8');
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`cannot read model file ${ref}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`model file ${ref} is not valid JSON: ${(e as Error).message}`);
    }
  }
  const r = loadModel(data);
  if (!r.ok) throw new UsageError(`model ${ref} is invalid: ${r.errors.slice(0, 3).join('; ')}`);
  return r.value;
}

function checkParam(loaded: LoadedModel, id: string, value: string, where: string): void {
  const def = loaded.params.find((p) => p.id === id);
  if (!def) throw new UsageError(`${where}: unknown parameter "${id}"; ${loaded.model.id} has ${loaded.params.map((p) => p.id).join(', ')}`);
  const parsed = parseValue(def, value);
  if (!parsed.ok) throw new UsageError(`${where}: ${parsed.error}`);
}

function plan(o: CliOptions): { loaded: LoadedModel; params: Record<string, string>; changes: TimedChange[]; durationS: number } {
  const loaded = resolveModel(o.model);
  const params: Record<string, string> = {};
  for (const s of o.sets) {
    checkParam(loaded, s.id, s.value, '--set');
    params[s.id] = s.value;
  }
  const durationS = o.durationS ?? loaded.model.durationS;
  const changes = o.ats.map((a) => {
    const where = `--at ${a.time}`;
    let atS: number;
    if (a.time.includes(':')) {
      const t = secondsAtTimeOfDay(loaded.model, a.time);
      if (t === null) {
        throw new UsageError(
          loaded.model.clock
            ? `${where}: "${a.time}" is not a time of day (HH:MM, 00:00 to 23:59)`
            : `${where}: HH:MM needs a clocked model; ${loaded.model.id} takes seconds from the start`,
        );
      }
      atS = t;
    } else atS = Number(a.time);
    if (atS > durationS) throw new UsageError(`${where}: the time is after the end of the run (${durationS} s)`);
    checkParam(loaded, a.id, a.value, where);
    return { atS, id: a.id, value: a.value };
  });
  return { loaded, params, changes, durationS };
}

function main(argv: string[]): number {
  const parsed = parseArgs(argv, DEFAULT_MODEL_ID);
  if (!parsed.ok) {
    process.stderr.write(`simulate: ${parsed.error}\n`);
    return 2;
  }
  if ('help' in parsed) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const o = parsed.options;
  let p: ReturnType<typeof plan>;
  try {
    p = plan(o);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ParamError) {
      process.stderr.write(`simulate: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const spec = { seed: o.seed, params: p.params, changes: p.changes, durationS: p.durationS, everyS: o.everyS };
  process.stdout.write(renderRun(p.loaded, spec, o.format));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
