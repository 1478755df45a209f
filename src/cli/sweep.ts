/**
 * `npm run sweep`: a grid of headless runs over one or two parameters, one CSV row (or JSON
 * object) per run in grid order — y outer, x inner, then seed — whatever the number of workers.
 * Any bad input prints one line on stderr naming it and what is allowed, and exits with 2.
 */
import { ParamError } from '../engine/simulation.ts';
import { shardIndexes, sweepCsvHeader, sweepCsvRow, type CellResult } from '../engine/sweep.ts';
import { oneLine } from './args.ts';
import { UsageError } from './model-ref.ts';
import { planSweep, SWEEP_USAGE, type SweepPlan } from './sweep-args.ts';
import { runSweep, WorkerMemoryError } from './sweep-pool.ts';
import { sweepJsonDoc } from './sweep-doc.ts';
import { mergeShards, MERGE_USAGE, takeMerge } from './sweep-merge.ts';

async function main(argv: string[]): Promise<number> {
  let plan: SweepPlan | 'help';
  let merged: string | null = null;
  try {
    const merge = takeMerge(argv);
    plan = planSweep(merge.rest);
    if (plan !== 'help' && merge.files.length > 0) merged = mergeShards(plan, merge.files, merge.rest);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ParamError) {
      process.stderr.write(`sweep: ${oneLine(e.message)}\n`);
      return 2;
    }
    throw e;
  }
  if (plan === 'help') {
    process.stdout.write(SWEEP_USAGE + '\n' + MERGE_USAGE + '\n');
    return 0;
  }
  if (merged !== null) {
    process.stdout.write(merged);
    return 0;
  }
  for (const note of plan.notes) process.stderr.write(`sweep: ${oneLine(note)}\n`);
  try {
    return await print(plan);
  } catch (e) {
    if (!(e instanceof WorkerMemoryError)) throw e;
    process.stderr.write(`sweep: ${oneLine(e.message)}\n`);
    return 2;
  }
}

async function print(plan: SweepPlan): Promise<number> {
  const { loaded, spec, format } = plan;
  const indexes = shardIndexes(spec, plan.shard, plan.shards);
  if (format === 'csv') {
    // Rows go out as soon as every earlier one is in, in chunks, so big sweeps stream.
    let buf = sweepCsvHeader();
    await runSweep(plan.modelData, loaded, spec, indexes, plan.workers, (row) => {
      buf += sweepCsvRow(row);
      if (buf.length > 1 << 14) {
        process.stdout.write(buf);
        buf = '';
      }
    });
    process.stdout.write(buf);
    return 0;
  }
  const rows: CellResult[] = [];
  await runSweep(plan.modelData, loaded, spec, indexes, plan.workers, (row) => rows.push(row));
  const doc = sweepJsonDoc(plan, rows);
  process.stdout.write(JSON.stringify(doc) + '\n');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
