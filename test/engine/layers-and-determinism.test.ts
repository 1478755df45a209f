import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mustLoadModel } from '../../src/engine/load-model.ts';
import { renderRun } from '../../src/engine/output.ts';
import { runScenario } from '../../src/engine/run.ts';
import { Simulation } from '../../src/engine/simulation.ts';
import { mean, model } from '../helpers.ts';

const threeLayers = mustLoadModel(JSON.parse(readFileSync(new URL('../fixtures/three-layers.json', import.meta.url), 'utf8')));

describe('retries at several layers multiply', () => {
  it('3 tries at each of 3 layers reach the bottom 27 times per request when it is down', () => {
    const rows = runScenario(threeLayers, { everyS: 10 }).samples.flat().filter((r) => r.service === 'bottom' && r.t > 300);
    const users = 10;
    expect(mean(rows.map((r) => r.offered_rps)) / users).toBeCloseTo(27, 0);
  });

  it('with one try per layer the bottom sees each request once', () => {
    const rows = runScenario(threeLayers, { everyS: 10, params: { 'retry.attempts': 0 } }).samples.flat().filter((r) => r.service === 'bottom' && r.t > 300);
    expect(mean(rows.map((r) => r.offered_rps))).toBeCloseTo(10, 1);
  });
});

describe('determinism', () => {
  it('same model, seed and changes give the same run in another process, byte for byte', () => {
    // A fresh process shares nothing with this one: no warm caches, no module state, no timing.
    const args = ['tsx', 'src/cli/main.ts', '--model', 'single-service', '--seed', '7', '--every', '5', '--at', '120:retry.attempts=1', '--at', '300:timeout=2.5'];
    const child = spawnSync('npx', args, { cwd: new URL('../../', import.meta.url).pathname, encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const here = renderRun(model('single-service'), {
      seed: 7,
      everyS: 5,
      changes: [
        { atS: 120, id: 'retry.attempts', value: 1 },
        { atS: 300, id: 'timeout', value: 2.5 },
      ],
    }, 'csv');
    expect(child.stdout).toBe(here);
  });

  it('another seed gives another run (demand noise), with the same story', () => {
    const a = runScenario(model('single-service'), { seed: 1, everyS: 30 }).samples.flat();
    const b = runScenario(model('single-service'), { seed: 2, everyS: 30 }).samples.flat();
    expect(a.map((r) => r.demand_rps)).not.toEqual(b.map((r) => r.demand_rps));
    expect(a.map((r) => r.state)).toEqual(b.map((r) => r.state));
  });

  it('a snapshot restores the exact run: continuing from it equals never stopping', () => {
    const straight = new Simulation(model('azure-2026-02'));
    straight.runTo(6.7 * 3600);
    const snap = straight.snapshot();
    straight.runTo(8 * 3600);

    const resumed = Simulation.restore(model('azure-2026-02'), JSON.parse(JSON.stringify(snap, replacer), reviver));
    resumed.runTo(8 * 3600);
    expect(Array.from(resumed.state.cum)).toEqual(Array.from(straight.state.cum));
    expect(resumed.state.nodes.map((n) => n.health)).toEqual(straight.state.nodes.map((n) => n.health));
    expect(resumed.state.fired).toEqual(straight.state.fired);
  });

  it('a parameter changed mid-run applies from then on, the same way every time', () => {
    const go = () => {
      const sim = new Simulation(model('single-service'));
      sim.runTo(200);
      sim.setParam('retry.attempts', 0);
      sim.runTo(600);
      return Array.from(sim.state.cum);
    };
    expect(go()).toEqual(go());
    // Dropping retries mid-storm ends it once the abandoned queue (≈ 250 000) has drained at 300/s.
    const sim = new Simulation(model('single-service'), { durationS: 1500 });
    sim.runTo(200);
    sim.setParam('retry.attempts', 0);
    sim.runTo(600);
    expect(sim.healthOf(0)).toBe('overloaded');
    sim.runTo(1500);
    expect(sim.healthOf(0)).not.toBe('overloaded');
    expect(sim.state.nodes[0].queued).toBe(0);
  });
});

// Snapshots are plain data; typed arrays survive a JSON round trip with a little help (as they would
// through storage or a message that is not structured-cloned).
function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Float64Array) return { $f64: Array.from(v) };
  if (v instanceof Uint8Array) return { $u8: Array.from(v) };
  if (typeof v === 'number' && !Number.isFinite(v)) return { $num: String(v) };
  return v;
}
function reviver(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.$f64)) return Float64Array.from(o.$f64 as number[]);
    if (Array.isArray(o.$u8)) return Uint8Array.from(o.$u8 as number[]);
    if (typeof o.$num === 'string') return Number(o.$num);
  }
  return v;
}
