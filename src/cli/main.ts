/**
 * `npm run simulate`: runs a model headless and prints its samples as CSV or JSON.
 * Any bad input prints one line on stderr naming it and what is allowed, and exits with 2.
 */
import { DEFAULT_MODEL_ID } from '../../models/index.ts';
import { CLI_BUDGET, overBudget, workOf, type LoadedModel } from '../engine/load-model.ts';
import type { TimedChange } from '../engine/run.ts';
import { ParamError } from '../engine/simulation.ts';
import { echo, MAX_ROWS, oneLine, parseArgs, USAGE, type CliOptions } from './args.ts';
import { atSeconds, checkParam, resolveModel, UsageError } from './model-ref.ts';
import { renderRun } from '../engine/output.ts';


function plan(o: CliOptions): { loaded: LoadedModel; params: Record<string, string>; changes: TimedChange[]; durationS: number } {
  const { loaded } = resolveModel(o.model);
  const params: Record<string, string> = {};
  for (const s of o.sets) {
    checkParam(loaded, s.id, s.value, '--set');
    params[s.id] = s.value;
  }
  const durationS = o.durationS ?? loaded.model.durationS;
  const over = overBudget(loaded.model, durationS, CLI_BUDGET);
  if (over.length) throw new UsageError(`model ${echo(o.model)} is too big to run: ${over[0]}`);
  const w = workOf(loaded.model, durationS);
  const everyTicks = Math.max(1, Math.round(o.everyS / loaded.model.dtS));
  const rows = Math.ceil(w.steps / everyTicks) * w.nodes;
  if (rows > MAX_ROWS[o.format]) {
    throw new UsageError(
      `--every ${o.everyS}: the output would be ${rows.toLocaleString('en-US')} rows; at most ${MAX_ROWS[o.format].toLocaleString('en-US')} in ${o.format.toUpperCase()}: sample less often (a larger --every) or a shorter --duration`,
    );
  }
  const changes = o.ats.map((a) => {
    const where = `--at ${echo(a.time)}`;
    const atS = atSeconds(loaded, a.time, where, durationS);
    checkParam(loaded, a.id, a.value, where);
    return { atS, id: a.id, value: a.value };
  });
  return { loaded, params, changes, durationS };
}

function main(argv: string[]): number {
  const parsed = parseArgs(argv, DEFAULT_MODEL_ID);
  if (!parsed.ok) {
    process.stderr.write(`simulate: ${oneLine(parsed.error)}\n`);
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
      process.stderr.write(`simulate: ${oneLine(e.message)}\n`);
      return 2;
    }
    throw e;
  }
  const spec = { seed: o.seed, params: p.params, changes: p.changes, durationS: p.durationS, everyS: o.everyS };
  process.stdout.write(renderRun(p.loaded, spec, o.format));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
