/** A sweep's JSON document as `npm run sweep -- --format json` prints it: one place for its shape. */
import { SWEEP_COLUMNS, sweepJsonRow, type CellResult } from '../engine/sweep.ts';
import type { SweepPlan } from './sweep-args.ts';

export function sweepJsonDoc(plan: Pick<SweepPlan, 'loaded' | 'spec' | 'shard' | 'shards'>, rows: readonly CellResult[]): Record<string, unknown> {
  const { loaded, spec } = plan;
  return {
    model: loaded.model.id,
    service: spec.service,
    seed: spec.seed,
    seeds: spec.seeds,
    durationS: spec.durationS ?? loaded.model.durationS,
    params: spec.params,
    changes: spec.changes,
    x: { id: spec.x.id, values: spec.x.values },
    y: spec.y ? { id: spec.y.id, values: spec.y.values } : null,
    ...(plan.shards > 1 ? { shard: `${plan.shard}/${plan.shards}` } : {}),
    columns: SWEEP_COLUMNS,
    rows: rows.map(sweepJsonRow),
  };
}
