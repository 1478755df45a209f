/** One table of argument ranges: model files refuse outside it, the operator's seat too, links clamp into it. */
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { decodeLink } from '../../src/app/url.ts';
import { loadModel } from '../../src/engine/load-model.ts';
import { ACTION_ARGS, actionArgErrors, argRange } from '../../src/params/actions.ts';
import { SimHost } from '../../src/worker/host.ts';
import { builtinCatalog } from '../../src/app/link.ts';

const catalog = builtinCatalog();

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const single = (): Data => structuredClone(BUILTIN_MODELS['single-service']) as Data;
const errorsOf = (m: unknown): string[] => {
  const r = loadModel(m);
  return r.ok ? [] : r.errors;
};
const withEvent = (ev: Data): Data => {
  const m = single();
  m.timeline.push({ at: 10, service: 'server', ...ev });
  return m;
};

describe('the table of argument ranges', () => {
  it('declares every numeric argument once, with a range a reader can check', () => {
    expect(argRange('admission', 'percent')).toMatchObject({ min: 0, max: 200, off: true });
    expect(argRange('errors', 'percent')).toMatchObject({ min: 0, max: 100 });
    expect(argRange('restore', 'percent')).toMatchObject({ min: 0, max: 100 });
    expect(argRange('scaleout', 'addPercent')).toMatchObject({ min: 0, max: 1000 });
    expect(argRange('ramp', 'toPercent')).toMatchObject({ min: 0, max: 200 });
    // A length in time is at least one step of the model.
    expect(argRange('fault', 'durationS', 0.25)).toMatchObject({ min: 0.25, max: 7 * 86400 });
    expect(argRange('fault', 'durationS')).toMatchObject({ min: 1 });
    expect(argRange('note', 'percent')).toBeUndefined();
    expect(argRange('constructor', 'x')).toBeUndefined();
    expect(argRange('fault', 'constructor')).toBeUndefined();
    for (const args of Object.values(ACTION_ARGS)) for (const r of Object.values(args)) expect(r.min).toBeLessThanOrEqual(r.max);
  });
});

describe('a model file outside the table is refused, naming field, value and range', () => {
  it.each([
    [{ type: 'admission', percent: -5 }, 'timeline.1.percent: share -5 % is outside 0 to 200 %, or off'],
    [{ type: 'ramp', toPercent: -100, durationS: 60 }, 'timeline.1.toPercent: ramp to -100 % is outside 0 to 200 %'],
    [{ type: 'scaleout', addPercent: -500, delayS: 0 }, 'timeline.1.addPercent: capacity added -500 % is outside 0 to 1000 %'],
    [{ type: 'scaleout', addPercent: 50, delayS: -1 }, 'timeline.1.delayS: delay -1 s is outside 0 to 604800 s'],
    [{ type: 'errors', percent: 150, durationS: 60 }, 'timeline.1.percent: share of tries failed 150 % is outside 0 to 100 %'],
    [{ type: 'restore', percent: 120 }, 'timeline.1.percent: share restored 120 % is outside 0 to 100 %'],
    [{ type: 'fault', capacityPercent: 20, durationS: 0 }, 'timeline.1.durationS: duration 0 s is outside 0.25 to 604800 s'],
    [{ type: 'fault', capacityPercent: 20, durationS: 30.1 }, "timeline.1.durationS: duration 30.1 s is not a whole number of this model's 0.25 s steps"],
    [{ type: 'latency', addS: 0.1, durationS: 30 }, "timeline.1.addS: latency added 0.1 s is not a whole number of this model's 0.25 s steps"],
  ])('%j', (ev, message) => {
    expect(errorsOf(withEvent(ev))).toEqual([message]);
  });

  it('takes values at the ends of each range', () => {
    for (const ev of [
      { type: 'admission', percent: 0 },
      { type: 'admission', percent: 'off' },
      { type: 'ramp', toPercent: 200, durationS: 0.25 },
      { type: 'scaleout', addPercent: 1000, delayS: 0 },
      { type: 'restore', percent: 100 },
    ]) {
      expect(errorsOf(withEvent(ev))).toEqual([]);
    }
  });

  it('refuses an event reading a parameter whose range goes past the argument\'s', () => {
    const m = single();
    m.params.find((p: Data) => p.id === 'trigger.capacity').min = -500;
    expect(errorsOf(m)).toContain('timeline.0.capacityPercent: parameter "trigger.capacity" runs from -500 to 100, outside the capacity left\'s 0 to 100 %; narrow its min and max');
    // A length read from a parameter may be 0: the event then does nothing.
    expect(errorsOf(single())).toEqual([]);
  });
});

describe('the operator\'s seat and links read the same table', () => {
  it('refuses an operator action outside it, and takes one inside', () => {
    expect(actionArgErrors({ type: 'ramp', service: 'server', toPercent: -100, durationS: 60 }, 0.25)).toEqual(['ramp: ramp to -100 % is outside 0 to 200 %']);
    const h = new SimHost();
    h.handle({ type: 'load', model: 'single-service' });
    const [refused] = h.handle({ type: 'act', action: { type: 'scaleout', service: 'server', addPercent: -500, delayS: 0 } });
    expect(refused).toEqual({ type: 'refused', message: 'the operator action was refused: scaleout: capacity added -500 % is outside 0 to 1000 %' });
    const [ok] = h.handle({ type: 'act', action: { type: 'scaleout', service: 'server', addPercent: 50, delayS: 60 } });
    expect(ok.type).toBe('frame');
  });

  it('a link is clamped into it with a notice, as before, at the table\'s ends', () => {
    const r = decodeLink('?model=single-service&op=10:errors(server,local,150,60)&op=20:fault(server,local,0,0)', catalog);
    const max = argRange('errors', 'percent')!.max;
    expect(r.notices).toContain(`The operator action "10:errors(server,local,150,60)": share of tries failed 150 % is outside 0 to ${max} %, so ${max} % is used.`);
    // A duration is at least one step of the model (0.25 s here).
    expect(r.notices).toContain('The operator action "20:fault(server,local,0,0)": duration 0 s is outside 0.25 to 604800 s, so 0.25 s is used.');
  });
});

describe('the durations the operator\'s seat offers', () => {
  it('are within the table: a fault for half of faultS is at least a step, for four times it at most a week', () => {
    const short = single();
    short.dtS = 1;
    short.operator.faultS = 1;
    expect(errorsOf(short)).toContain("operator.faultS: the operator's seat would offer duration 0.5 s is outside 1 to 604800 s");
    const long = single();
    long.operator.faultS = 7 * 86400;
    expect(errorsOf(long)).toContain("operator.faultS: the operator's seat would offer duration 2419200 s is outside 0.25 to 604800 s");
  });
});
