/**
 * `npm run figure:map -- [sweep options] [--out FILE]`: a sweep drawn as a phase diagram (SVG),
 * as the page draws it. Takes the options of `npm run sweep` (not --format or --shard).
 */
import { writeFileSync } from 'node:fs';
import { defaultValues } from '../engine/load-model.ts';
import { runCount, SWEEP_METRICS, type CellResult, type SweepMetric } from '../engine/sweep.ts';
import { phaseSvg, singleServiceTheory, type PhaseAxis } from '../view/phase.ts';
import { oneLine } from './args.ts';
import { UsageError } from './model-ref.ts';
import { planSweep } from './sweep-args.ts';
import { runSweep } from './sweep-pool.ts';

try {
  const plan = planSweep(process.argv.slice(2), ['out', 'metric', 'title']);
  if (plan === 'help') throw new UsageError('usage: npm run figure:map -- --model ID --x … [--y …] [sweep options] [--metric M] [--title T] [--out FILE]');
  const out = plan.extra.out ?? 'public/phase.svg';
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
  writeFileSync(out, svg + '\n');
  process.stderr.write(`wrote ${out} (${results.length} runs)\n`);
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`figure:map: ${oneLine(e.message)}\n`);
  process.exitCode = 2;
}
