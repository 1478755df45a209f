/**
 * A service node's health, as users see it. The engine observes the node's flows every control
 * step, classifies what it saw (`classifyNode`) and tells the machine only when that changes; the
 * machine owns the states and the hysteresis (a node is `recovering` until it has looked fine for
 * a while).
 */
import { assign, setup } from 'xstate';

export type Condition = 'ok' | 'degraded' | 'overloaded' | 'down' | 'waiting';
export const CONDITIONS: readonly Condition[] = ['ok', 'degraded', 'overloaded', 'down', 'waiting'];

/**
 * `waiting`: most of what the service serves is waiting on a call a front door holds — not failed,
 * not done either; its callers wait.
 */
export const HEALTH_STATES = ['healthy', 'degraded', 'overloaded', 'down', 'recovering', 'waiting'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** How long a node must look fine before `recovering` becomes `healthy`. */
export const RECOVERY_HOLD_S = 300;

/** What one control window of a node looked like (counts over the window). */
export interface NodeWindow {
  blocked: boolean;
  capacityRps: number;
  offered: number;
  goodput: number;
  /** Served in time but failed by a dependency, rejected, or timed out. */
  failures: number;
  /** Rejected for being over a caller's quota: the service protecting itself, not failing. */
  throttled: number;
  /** Served in time, but waiting on a call a front door holds: not done yet. */
  waiting: number;
  timedOut: number;
  queued: number;
  /** Work held outside by the front door, and whether operators are limiting it. */
  held: number;
  doorLimited: boolean;
  timeoutS: number;
  /** What the previous window was classified as (the thresholds it must clearly cross to leave). */
  previous: Condition;
}

/**
 * A window leaves `down` or `degraded` only when its share of successes is clearly past the
 * threshold that put it there, by this much. A node that sits on a threshold (half of a region's
 * storage restored fails exactly half of its calls) would otherwise flip every window with the
 * rounding of a sum, and show `down`, `recovering`, `down`… for hours.
 */
export const HYSTERESIS = 0.02;

/** Classifies one window. Overload is about waiting (callers time out); down is about failing. */
export function classifyNode(w: NodeWindow): Condition {
  if (w.blocked || w.capacityRps <= 0) return 'down';
  const waitS = w.queued / w.capacityRps;
  // Customers still wait while a front door holds their work, even if the service itself is fine.
  const heldBack = w.doorLimited || w.held > w.capacityRps;
  if (w.offered <= 1e-6 && waitS < w.timeoutS / 2) return heldBack ? 'degraded' : 'ok';
  if (waitS >= w.timeoutS || w.timedOut > 0.1 * w.offered) return 'overloaded';
  const resolved = w.goodput + w.failures + w.waiting;
  const okShare = resolved > 1e-9 ? w.goodput / resolved : 1;
  if (resolved > 1e-9 && w.waiting >= 0.5 * resolved) return 'waiting';
  if (okShare < 0.5 + (w.previous === 'down' ? HYSTERESIS : 0)) return 'down';
  const throttling = w.throttled > 0.05 * w.offered;
  if (okShare < 0.95 + (w.previous === 'degraded' ? HYSTERESIS : 0) || waitS > w.timeoutS / 2 || heldBack || throttling) return 'degraded';
  return 'ok';
}

/**
 * Whether a recovering node has looked fine for long enough to be healthy at `now`: the machine's
 * guard, and how the engine knows when the machine needs to hear the time.
 */
export function recoveryDue(context: { condition: Condition; okSince: number }, now: number): boolean {
  return context.condition === 'ok' && now - context.okSince >= RECOVERY_HOLD_S;
}

type HealthEvent = { type: 'OBSERVE'; condition: Condition; now: number } | { type: 'TICK'; now: number };

export const healthMachine = setup({
  types: {
    context: {} as { condition: Condition; okSince: number },
    events: {} as HealthEvent,
  },
  guards: {
    seesOverload: ({ event }) => event.type === 'OBSERVE' && event.condition === 'overloaded',
    seesFailure: ({ event }) => event.type === 'OBSERVE' && event.condition === 'down',
    seesWaiting: ({ event }) => event.type === 'OBSERVE' && event.condition === 'waiting',
    seesDegradation: ({ event }) => event.type === 'OBSERVE' && event.condition === 'degraded',
    seesAllClear: ({ event }) => event.type === 'OBSERVE' && event.condition === 'ok',
    seesImprovement: ({ event }) =>
      event.type === 'OBSERVE' && (event.condition === 'ok' || event.condition === 'degraded'),
    hasLookedFineLongEnough: ({ context, event }) => recoveryDue(context, event.now),
  },
  actions: {
    remember: assign(({ context, event }) =>
      event.type === 'OBSERVE'
        ? { condition: event.condition, okSince: event.condition === 'ok' && context.condition !== 'ok' ? event.now : context.okSince }
        : {},
    ),
  },
}).createMachine({
  id: 'health',
  initial: 'healthy',
  context: { condition: 'ok', okSince: 0 },
  on: { OBSERVE: { actions: 'remember' } },
  states: {
    healthy: {
      on: {
        OBSERVE: [
          { guard: 'seesOverload', target: 'overloaded', actions: 'remember' },
          { guard: 'seesFailure', target: 'down', actions: 'remember' },
          { guard: 'seesWaiting', target: 'waiting', actions: 'remember' },
          { guard: 'seesDegradation', target: 'degraded', actions: 'remember' },
          { actions: 'remember' },
        ],
      },
    },
    degraded: {
      on: {
        OBSERVE: [
          { guard: 'seesOverload', target: 'overloaded', actions: 'remember' },
          { guard: 'seesFailure', target: 'down', actions: 'remember' },
          { guard: 'seesWaiting', target: 'waiting', actions: 'remember' },
          { guard: 'seesAllClear', target: 'healthy', actions: 'remember' },
          { actions: 'remember' },
        ],
      },
    },
    overloaded: {
      on: {
        OBSERVE: [
          { guard: 'seesFailure', target: 'down', actions: 'remember' },
          { guard: 'seesWaiting', target: 'waiting', actions: 'remember' },
          { guard: 'seesImprovement', target: 'recovering', actions: 'remember' },
          { actions: 'remember' },
        ],
      },
    },
    down: {
      on: {
        OBSERVE: [
          { guard: 'seesOverload', target: 'overloaded', actions: 'remember' },
          { guard: 'seesWaiting', target: 'waiting', actions: 'remember' },
          { guard: 'seesImprovement', target: 'recovering', actions: 'remember' },
          { actions: 'remember' },
        ],
      },
    },
    recovering: {
      on: {
        OBSERVE: [
          { guard: 'seesOverload', target: 'overloaded', actions: 'remember' },
          { guard: 'seesFailure', target: 'down', actions: 'remember' },
          { guard: 'seesWaiting', target: 'waiting', actions: 'remember' },
          { actions: 'remember' },
        ],
        TICK: { guard: 'hasLookedFineLongEnough', target: 'healthy' },
      },
    },
    waiting: {
      on: {
        OBSERVE: [
          { guard: 'seesOverload', target: 'overloaded', actions: 'remember' },
          { guard: 'seesFailure', target: 'down', actions: 'remember' },
          { guard: 'seesImprovement', target: 'recovering', actions: 'remember' },
          { actions: 'remember' },
        ],
      },
    },
  },
});
