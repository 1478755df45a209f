/**
 * Options of `npm run sweep`, parsed with `util.parseArgs` and checked against the model and its
 * parameter registry. Pure apart from reading a model file: it returns the plan or throws a
 * `UsageError` whose message is one sentence naming what was wrong and what is allowed.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_ID } from '../../models/index.ts';
import { CLI_BUDGET, overBudget, type LoadedModel } from '../engine/load-model.ts';
import { defaultService, runCount, parseAxis, serviceIds, type SweepChange, type SweepSpec } from '../engine/sweep.ts';
import { parseValue } from '../params/registry.ts';
import { atSeconds, resolveModel, UsageError } from './model-ref.ts';
import { echo, joinDashValues, MAX_ARG_CHARS, MAX_ROWS, valueError } from './args.ts';

export const SWEEP_USAGE =
  'usage: npm run sweep -- --model ID|PATH --x ID=FROM:TO:N [--y ID=FROM:TO:N] [--set ID=VALUE]... ' +
  '[--at TIME:ID=VALUE]... [--seed N] [--seeds K] [--duration S] [--service REGION/SERVICE] ' +
  '[--shard I/N] [--workers W] [--format csv|json]\n' +
  '  an axis is ID=FROM:TO:N (N evenly spaced values, ends included), ID=V1,V2,… or ID=* (every value of an enum)';

export interface SweepPlan {
  modelData: unknown;
  loaded: LoadedModel;
  spec: SweepSpec;
  shard: number;
  shards: number;
  workers: number;
  format: 'csv' | 'json';
  /** Values of the string options a command adds to the sweep's own (`extra` of `planSweep`). */
  extra: Record<string, string | undefined>;
  /** What was changed from what was asked (a pool capped at the cores), for stderr. */
  notes: string[];
}

/** What a command that draws one picture needs instead of the sweep's defaults (figure:map). */
export interface SweepCommand {
  /** String options the command adds (their values come back in `plan.extra`). */
  extra?: readonly string[];
  /** Sweep options the command does not take, each with the reason given when one is used. */
  refuse?: Readonly<Record<string, string>>;
  /** The most runs one process holds, and what they are held as (figure:map keeps every row, as JSON does). */
  maxRows?: { rows: number; as: string };
}

const OPTIONS = {
  model: { type: 'string' },
  x: { type: 'string' },
  y: { type: 'string' },
  set: { type: 'string', multiple: true },
  at: { type: 'string', multiple: true },
  seed: { type: 'string' },
  seeds: { type: 'string' },
  duration: { type: 'string' },
  service: { type: 'string' },
  shard: { type: 'string' },
  workers: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const MAX_DURATION_S = 7 * 86400;
const MAX_SEEDS = 1000;
const MAX_SEED = 4294967295;

function whole(flag: string, value: string, min: number, max: number): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} "${value}": expected a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

/**
 * The plan, or `'help'`. Throws `UsageError` on any bad input, before any run: every value over
 * 4,096 characters, a model over simulate's work budget, more rows than one process prints.
 * `command` says what a command that draws the sweep (figure:map) adds, refuses and holds.
 */
export function planSweep(argv: string[], command: SweepCommand = {}): SweepPlan | 'help' {
  let v: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true; allowPositionals: false }>>['values'];
  const extra = command.extra ?? [];
  const refuse = command.refuse ?? {};
  const options = { ...OPTIONS, ...Object.fromEntries(extra.map((k) => [k, { type: 'string' } as const])) };
  for (const name of Object.keys(refuse)) delete (options as Record<string, unknown>)[name];
  let all: Record<string, unknown>;
  try {
    all = parseArgs({ args: joinDashValues(argv, options), options, strict: true, allowPositionals: false }).values;
    v = all as typeof v;
  } catch (e) {
    const err = e as Error & { code?: string };
    const names = Object.keys(options).map((k) => `--${k}`).join(', ');
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const m = /'([^']+)'/.exec(err.message);
      const name = m?.[1].replace(/^--/, '').replace(/=.*$/, '') ?? '';
      if (Object.hasOwn(refuse, name)) throw new UsageError(`--${name} is not taken here: ${refuse[name]}`);
      throw new UsageError(`unknown option ${m ? `"${echo(m[1])}"` : ''}; options are ${names}`);
    }
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument; options are ${names}`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(valueError(err.message));
    throw new UsageError(err.message.split('\n')[0]);
  }
  if (v.help) return 'help';
  // Every value is bounded before anything reads it, as simulate's are.
  for (const [name, value] of Object.entries(all)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (typeof one === 'string' && one.length > MAX_ARG_CHARS) throw new UsageError(`--${name}: a value of ${one.length} characters is too long; at most ${MAX_ARG_CHARS}`);
    }
  }
  const { data, loaded } = resolveModel(v.model ?? DEFAULT_MODEL_ID);
  const params = loaded.params;
  if (v.x === undefined) throw new UsageError('--x is required: ID=FROM:TO:N, ID=V1,V2,… or ID=* for an enum');
  const x = parseAxis(params, v.x, '--x');
  if (!x.ok) throw new UsageError(x.error);
  let y = null;
  if (v.y !== undefined) {
    const p = parseAxis(params, v.y, '--y');
    if (!p.ok) throw new UsageError(p.error);
    if (p.axis.id === x.axis.id) throw new UsageError(`--y ${p.axis.id}: the same parameter as --x; sweep two different parameters`);
    y = p.axis;
  }
  const check = (where: string, id: string, value: string) => {
    const def = params.find((p) => p.id === id);
    if (!def) throw new UsageError(`${where}: unknown parameter "${id}"; ${loaded.model.id} has ${params.map((p) => p.id).join(', ')}`);
    const parsed = parseValue(def, value);
    if (!parsed.ok) throw new UsageError(`${where}: ${parsed.error}`);
  };
  const sets: Record<string, string> = {};
  for (const s of v.set ?? []) {
    const m = /^([^=\s]+)=(.*)$/.exec(s);
    if (!m) throw new UsageError(`--set "${s}": expected ID=VALUE, e.g. --set retry.attempts=0`);
    check('--set', m[1], m[2]);
    sets[m[1]] = m[2];
  }
  const durationS = v.duration === undefined ? undefined : Number(v.duration);
  if (v.duration !== undefined && (!/^\d+(\.\d+)?$/.test(v.duration) || !(durationS! > 0) || durationS! > MAX_DURATION_S)) {
    throw new UsageError(`--duration "${v.duration}": expected seconds, more than 0 and at most ${MAX_DURATION_S}`);
  }
  const endS = durationS ?? loaded.model.durationS;
  // Every run of the sweep is held to the budget of one simulate run.
  const over = overBudget(loaded.model, endS, CLI_BUDGET);
  if (over.length) throw new UsageError(`model ${echo(v.model ?? DEFAULT_MODEL_ID)} is too big to run: ${over[0]}`);
  const changes: SweepChange[] = (v.at ?? []).map((a) => {
    const m = /^(\d{1,2}:\d{2}|\d+(?:\.\d+)?):([^=\s:]+)=(.*)$/.exec(a);
    if (!m) throw new UsageError(`--at "${a}": expected TIME:ID=VALUE with TIME in seconds or HH:MM, e.g. --at 03:55:admission=0`);
    const where = `--at ${m[1]}`;
    const atS = atSeconds(loaded, m[1], where, endS);
    check(where, m[2], m[3]);
    return { atS, id: m[2], value: m[3] };
  });
  const seed = v.seed === undefined ? loaded.model.seed : whole('--seed', v.seed, 0, MAX_SEED);
  const seeds = v.seeds === undefined ? 1 : whole('--seeds', v.seeds, 1, MAX_SEEDS);
  if (seed + seeds - 1 > MAX_SEED) throw new UsageError(`--seeds ${seeds}: seeds run from --seed ${seed} up, past ${MAX_SEED}`);
  const services = serviceIds(loaded);
  const service = v.service ?? defaultService(loaded);
  if (!services.includes(service)) throw new UsageError(`--service "${service}": expected REGION/SERVICE, one of ${services.join(', ')}`);
  let shard = 1;
  let shards = 1;
  if (v.shard !== undefined) {
    const m = /^(\d{1,6})\/(\d{1,6})$/.exec(v.shard);
    if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) {
      throw new UsageError(`--shard "${v.shard}": expected I/N with 1 ≤ I ≤ N, e.g. --shard 2/4`);
    }
    [shard, shards] = [Number(m[1]), Number(m[2])];
  }
  const cores = availableParallelism();
  const notes: string[] = [];
  let workers = v.workers === undefined ? Math.max(1, cores - 1) : whole('--workers', v.workers, 1, 256);
  // More threads than cores only share them, each with its own copy of the model and its memory.
  if (workers > cores) {
    notes.push(`--workers ${workers}: this machine has ${cores} core${cores > 1 ? 's' : ''}, so ${cores} worker${cores > 1 ? 's' : ''} run`);
    workers = cores;
  }
  const format = v.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format "${format}": expected csv or json`);
  const spec: SweepSpec = { x: x.axis, y, seed, seeds, params: sets, changes, durationS, service };
  if (runCount(spec) === 0) throw new UsageError('the sweep has no runs');
  // One process prints at most as many rows as simulate does: refused now, before any run.
  const cap = command.maxRows ?? { rows: MAX_ROWS[format], as: `rows of ${format.toUpperCase()}` };
  const points = runCount(spec) / seeds;
  const rows = Math.ceil((points - (shard - 1)) / shards) * seeds;
  if (rows > cap.rows) {
    const n = (k: number) => k.toLocaleString('en-US');
    const grid = `${x.axis.values.length}${y ? ` × ${y.values.length}` : ''} points × ${seeds} seed${seeds > 1 ? 's' : ''}`;
    const split = Object.hasOwn(refuse, 'shard') ? 'fewer points or seeds' : `split it with --shard I/N, N at least ${n(Math.ceil(points / Math.floor(cap.rows / seeds)))}, or fewer points or seeds`;
    throw new UsageError(`the sweep would be ${n(rows)} runs (${grid}${shards > 1 ? `, shard ${shard} of ${shards}` : ''}); at most ${n(cap.rows)} ${cap.as} in one process: ${split}`);
  }
  const extraValues = Object.fromEntries(extra.map((k) => [k, all[k] as string | undefined]));
  return { modelData: data, loaded, spec, shard, shards, workers, format, extra: extraValues, notes };
}
