/**
 * Sweeps: each cell is the run `simulate` makes with the same settings, read from the engine's own
 * record of trouble; the grid's order is fixed; and on the teaching model the map shows the
 * metastable band of docs/model.md §3 — stable below C/(R+1), stuck after a big enough trigger above it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseValue } from '../../src/params/registry.ts';
import { runScenario } from '../../src/engine/run.ts';
import { M } from '../../src/engine/state.ts';
import {
  cellAt, runCount, defaultService, MAX_AXIS_VALUES, parseAxis, runCell, shardIndexes, sweepCsv, type Axis, type CellResult, type SweepSpec,
} from '../../src/engine/sweep.ts';
import { outcomeOf, troubleSecondsTo } from '../../src/engine/trouble.ts';
import { model } from '../helpers.ts';

const single = model('single-service');

function axis(text: string, loaded = single): Axis {
  const r = parseAxis(loaded.params, text);
  if (!r.ok) throw new Error(r.error);
  return r.axis;
}

function spec(x: string, y: string | null, extra: Partial<SweepSpec> = {}, loaded = single): SweepSpec {
  return {
    x: axis(x, loaded), y: y ? axis(y, loaded) : null, seed: loaded.model.seed, seeds: 1, params: {}, changes: [],
    service: defaultService(loaded), ...extra,
  };
}

function grid(s: SweepSpec): CellResult[] {
  return Array.from({ length: runCount(s) }, (_, k) => runCell(single, s, k));
}

/** The same figures, read from an ordinary sampled run (as `simulate` makes it). */
function fromRun(loaded: typeof single, params: Record<string, string | number>, changes: SweepSpec['changes'], node: string, seed?: number) {
  const durationS = loaded.model.durationS;
  let at90: Float64Array | null = null;
  const r = runScenario(loaded, { params, changes, seed, everyS: durationS / 10 }, (_rows, sim) => {
    if (Math.abs(sim.time - 0.9 * durationS) < 1e-6) at90 = sim.state.cum.slice();
  });
  const sim = r.sim;
  const N = sim.topo.nodes.length;
  const i = sim.topo.nodes.findIndex((n) => n.id === node);
  const tr = sim.state.trouble;
  const cum = sim.state.cum;
  const a = at90!;
  const outcome = outcomeOf(tr, i);
  return {
    outcome,
    troubleS: troubleSecondsTo(tr, i, sim.time),
    recoveryS: outcome === 'recovered' ? tr.lastEnd[i] - tr.firstAt[i] : null,
    goodputShare: (cum[M.goodput * N + i] - a[M.goodput * N + i]) / (cum[M.demand * N + i] - a[M.demand * N + i]),
    peakAmplification: tr.peakAmp[i],
    wasted: cum[M.wasted * N + i],
  };
}

describe('sweep axes', () => {
  it('FROM:TO:N gives N evenly spaced values with both ends; a list and * give theirs', () => {
    expect(axis('load=100:1000:4').values).toEqual([100, 400, 700, 1000]);
    expect(axis('latency=0:0.75:4').values).toEqual([0, 0.25, 0.5, 0.75]);
    expect(axis('load=250:250:1').values).toEqual([250]);
    expect(axis('retry.jitter=*').values).toEqual(['none', 'full', 'equal', 'decorrelated']);
    expect(axis('queue.limit=off,100,1000').values).toEqual(['off', 100, 1000]);
  });

  it('refuses what the registry refuses, naming the value and what is allowed', () => {
    const err = (t: string) => {
      const r = parseAxis(single.params, t);
      return r.ok ? '' : r.error;
    };
    expect(err('nope=1:2:3')).toMatch(/unknown parameter "nope"/);
    expect(err('retry.jitter=0:1:2')).toMatch(/enum.*retry\.jitter=\*/);
    expect(err('load=*')).toMatch(/\* sweeps an enum/);
    expect(err('load=0:100:0')).toMatch(/N must be a whole number from 1 to 200/);
    expect(err('load=0:100:201')).toMatch(/N must be a whole number from 1 to 200/);
    expect(err('load=0:20000:3')).toMatch(/20000.*not allowed.*0 to 10000/);
    expect(err('load=off,10')).toMatch(/off.*not allowed/);
    expect(err('retry.attempts=0:10:4')).toMatch(/3\.33333.*not allowed; expected a whole number/);
  });

  it('reads FROM and TO as the registry reads any value: finite decimals within range, never hex', () => {
    const err = (t: string) => {
      const r = parseAxis(single.params, t);
      return r.ok ? '' : r.error;
    };
    // The values between these ends would overflow to Infinity and NaN.
    expect(err('load=-1e308:1e308:3')).toBe('--x load=-1e308:1e308:3: FROM "-1e308" is not allowed; load takes a number from 0 to 10000 (req/s)');
    expect(err('load=0:1e999:3')).toBe('--x load=0:1e999:3: TO "1e999" is not allowed; load takes a number from 0 to 10000 (req/s)');
    expect(err('load=-Infinity:Infinity:2')).toMatch(/^--x load=-Infinity:Infinity:2: FROM "-Infinity" is not allowed; load takes a number from 0 to 10000/);
    // Hex, binary and octal are numbers to JavaScript, not to `simulate --set`.
    expect(err('load=0x10:0x20:2')).toBe('--x load=0x10:0x20:2: FROM "0x10" is not allowed; load takes a number from 0 to 10000 (req/s)');
    expect(err('load=10:0b11:2')).toMatch(/TO "0b11" is not allowed/);
    expect(err('load=0o7:10:2')).toMatch(/FROM "0o7" is not allowed/);
    expect(err('queue.limit=off:100:2')).toMatch(/FROM "off" is not allowed; .*off goes in a list, e\.g\. --x queue\.limit=off,V1,V2$/);
  });

  it('for any FROM and TO: every value a finite number the registry allows, or one line naming the flag and the axis', () => {
    const load = single.params.find((p) => p.id === 'load')!;
    const end = fc.oneof(
      fc.double().map(String),
      fc.double({ min: -1, max: 2e4, noNaN: true }).map(String),
      fc.integer({ min: 0, max: 10000 }).map((k) => '0x' + k.toString(16)),
      fc.constantFrom('1e308', '-1e308', '1e999', 'Infinity', 'NaN', ' 5 ', '1_0', '', 'off', '0o17', '0b1'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(end, end, fc.integer({ min: 1, max: MAX_AXIS_VALUES }), (a, b, n) => {
        const text = `load=${a}:${b}:${n}`;
        const r = parseAxis(single.params, text, '--y');
        const endsOk = [a, b].every((e) => parseValue(load, e).ok);
        if (r.ok) {
          expect(endsOk).toBe(true);
          expect(r.axis.values).toHaveLength(n);
          // Both ends exactly as given.
          expect(r.axis.values[0]).toBe(Number(a));
          expect(r.axis.values[n - 1]).toBe(Number(n === 1 ? a : b));
          for (const x of r.axis.values) {
            expect(Number.isFinite(x)).toBe(true);
            expect(parseValue(load, String(x)).ok).toBe(true);
          }
        } else {
          expect(r.error).toMatch(/^--y load=/);
          expect(r.error).not.toMatch(/\n/);
          if (!/NaN/.test(text)) expect(r.error).not.toMatch(/NaN/);
          // With both ends allowed, the values between them are too (load is any number from 0 to 10000).
          if (!/[:,*]/.test(a + b) && a.trim() && b.trim()) expect(endsOk).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('sweep grid', () => {
  it('is in grid order: y outer, x inner, then seed; shards are every N-th cell, with its seeds', () => {
    const s = spec('load=100:300:3', 'trigger.duration=0,30', { seeds: 2 });
    expect(runCount(s)).toBe(12);
    expect([0, 1, 2, 5, 6, 11].map((k) => cellAt(s, k))).toEqual([
      { xi: 0, yi: 0, si: 0 }, { xi: 0, yi: 0, si: 1 }, { xi: 1, yi: 0, si: 0 }, { xi: 2, yi: 0, si: 1 }, { xi: 0, yi: 1, si: 0 }, { xi: 2, yi: 1, si: 1 },
    ]);
    // Six cells of two seeds: shard 2 of 4 has cells 1 and 5.
    expect(shardIndexes(s, 2, 4)).toEqual([2, 3, 10, 11]);
    const all = [1, 2, 3, 4].flatMap((i) => shardIndexes(s, i, 4)).sort((a, b) => a - b);
    expect(all).toEqual([...Array(12).keys()]);
  });

  it('a cell equals the ordinary run with the same settings, seed and changes', () => {
    const s = spec('load=700,300', 'trigger.duration=30', {
      seeds: 2, seed: 7, params: { 'retry.attempts': '2' }, changes: [{ atS: 400, id: 'retry.attempts', value: '0' }],
    });
    for (let k = 0; k < runCount(s); k++) {
      const cell = runCell(single, s, k);
      const { xi, si } = cellAt(s, k);
      const ref = fromRun(single, { 'retry.attempts': '2', load: s.x.values[xi], 'trigger.duration': 30 }, s.changes, 'local/server', 7 + si);
      expect(cell).toEqual({ x: s.x.values[xi], y: 30, seed: 7 + si, ...ref });
    }
  });

  it('on the incident, a cell equals the run at the judged service (East US Managed Identity by default)', () => {
    const incident = model('azure-2026-02');
    const s = spec('failover=0', null, {}, incident);
    expect(s.service).toBe('eastus/identity');
    const cell = runCell(incident, s, 0);
    expect(cell).toMatchObject(fromRun(incident, { failover: 0 }, [], 'eastus/identity'));
    expect(cell.outcome).toBe('recovered');
  }, 120_000);

  it('a cell judging another service (West US VM operations) equals the run there too: only that service is judged, the same way', () => {
    const incident = model('azure-2026-02');
    const s = spec('failover=0', null, { service: 'westus/vm' }, incident);
    expect(runCell(incident, s, 0)).toMatchObject(fromRun(incident, { failover: 0 }, [], 'westus/vm'));
  }, 120_000);

  it('the same sweep gives the same bytes', () => {
    const s = spec('load=300,700', 'trigger.duration=10,40', { seeds: 2 });
    expect(sweepCsv(grid(s))).toBe(sweepCsv(grid(s)));
  });
});

describe('the map of single-service (docs/model.md §3)', () => {
  const loads = [100, 200, 240, 260, 300, 500, 700, 900, 980];
  const lengths = [0, 5, 10, 20, 40, 80];
  const s = spec(`load=${loads.join(',')}`, `trigger.duration=${lengths.join(',')}`);
  const rows = grid(s);
  const stuck = (li: number, di: number) => rows[di * loads.length + li].outcome === 'stuck';

  it('stuck is monotone: more load or a longer trigger never gets a stuck run out', () => {
    for (let di = 0; di < lengths.length; di++) {
      for (let li = 0; li < loads.length; li++) {
        if (!stuck(li, di)) continue;
        if (li + 1 < loads.length) expect(stuck(li + 1, di)).toBe(true);
        if (di + 1 < lengths.length) expect(stuck(li, di + 1)).toBe(true);
      }
    }
  });

  it('the boundary lies in the band between C/(R+1) and C: stable below it, stuck above it after a big enough trigger', () => {
    const C = 1000;
    const R = 3;
    // Just below the line a backlog drains at only C − (R + 1)·load (40 req/s at 240): a long
    // trigger's backlog may outlast the run. Well below it, nothing stays in trouble.
    loads.forEach((load, li) => {
      if (load < 0.85 * (C / (R + 1))) lengths.forEach((_, di) => expect(stuck(li, di)).toBe(false));
      else if (load >= C / (R + 1)) expect(stuck(li, lengths.length - 1)).toBe(true);
    });
    // No trigger, nothing stuck below capacity; above capacity, stuck without one.
    loads.forEach((_, li) => expect(stuck(li, 0)).toBe(false));
    expect(runCell(single, spec('load=1100', 'trigger.duration=0'), 0).outcome).toBe('stuck');
  });

  it('fewer retries move the band: with one retry, stable up to C/2', () => {
    const one = grid(spec('load=300,450,550', 'trigger.duration=80', { params: { 'retry.attempts': 1 } }));
    expect(one.map((r) => r.outcome === 'stuck')).toEqual([false, false, true]);
  });
});
