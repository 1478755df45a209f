/**
 * `npm run figure:map -- [sweep options] [--out FILE]`: a sweep drawn as a phase diagram (SVG),
 * as the page draws it. Takes the options of `npm run sweep` (not --format or --shard).
 */
import { defaultValues } from '../engine/load-model.ts';
import { ParamError } from '../engine/simulation.ts';
import { runCount, SWEEP_METRICS, type CellResult, type SweepMetric } from '../engine/sweep.ts';
import { phaseSvg, singleServiceTheory, type PhaseAxis } from '../view/phase.ts';
import { MAX_ROWS, oneLine } from './args.ts';
import { UsageError } from './model-ref.ts';
import { checkOut, writeOut } from './out-file.ts';
import { planSweep } from './sweep-args.ts';
import { runSweep, WorkerMemoryError } from './sweep-pool.ts';

try {
  const plan = planSweep(process.argv.slice(2), {
    extra: ['out', 'metric', 'title'],
    refuse: {
      shard: 'figure:map draws the whole map in one process; to split a sweep, run npm run sweep with --shard',
      format: 'figure:map draws an SVG; for CSV or JSON, run npm run sweep with --format',
    },
    // Every run's row is kept until the map is drawn, as a JSON sweep keeps them.
    maxRows: { rows: MAX_ROWS.json, as: 'runs (their rows are kept to draw the map)' },
  });
  if (plan === 'help') throw new UsageError('usage: npm run figure:map -- --model ID --x … [--y …] [sweep options] [--metric M] [--title T] [--out FILE]');
  const out = checkOut(plan.extra.out ?? 'public/phase.svg');
  for (const note of plan.notes) process.stderr.write(`figure:map: ${oneLine(note)}\n`);
  const metric = (plan.extra.metric ?? 'outcome') as SweepMetric;
  if (!SWEEP_METRICS.includes(metric)) throw new UsageError(`--metric "${metric}": expected one of ${SWEEP_METRICS.join(', ')}`);
  const title = plan.extra.title;
  const { loaded, spec } = plan;
  const results: CellResult[] = [];
  await runSweep(plan.modelData, loaded, spec, [...Array(runCount(spec)).keys()], plan.workers, (row) => results.push(row));
  const axis = (a: { id: string; values: PhaseAxis['values'] }): PhaseAxis => {
    const def = loaded.params.find((p) => p.id === a.id)!;
    return { id: a.id, label: def.label, unit: def.unit, values: a.values };
  };
  const x = axis(spec.x);
  const y = spec.y ? axis(spec.y) : null;
  const values = { ...defaultValues(loaded.params), ...spec.params };
  const svg = phaseSvg({
    title: title ?? `${loaded.model.title}: ${spec.service}, ${spec.seeds} seed${spec.seeds > 1 ? 's' : ''} per point`,
    x, y, seeds: spec.seeds, metric, results,
    theory: singleServiceTheory(loaded.model.id, x, y, values),
  });
  writeOut(out, svg + '\n');
  process.stderr.write(`wrote ${out} (${results.length} runs)\n`);
} catch (e) {
  if (!(e instanceof UsageError || e instanceof WorkerMemoryError || e instanceof ParamError)) throw e;
  process.stderr.write(`figure:map: ${oneLine(e.message)}\n`);
  process.exitCode = 2;
}
