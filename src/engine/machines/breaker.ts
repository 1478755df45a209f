/**
 * A caller's circuit breaker. The engine classifies the caller's recent calls (failing or not) and
 * sends WINDOW only when that changes, and TICK only while the breaker is not closed, so a breaker
 * costs nothing while all is well.
 */
import { assign, setup } from 'xstate';

/** Opens when this share of calls fails, over at least this many calls (Polly / resilience4j style). */
export const BREAKER_FAILURE_RATIO = 0.5;
export const BREAKER_MIN_CALLS = 20;
export const BREAKER_OPEN_S = 30;
export const BREAKER_PROBE_S = 5;

export const BREAKER_STATES = ['closed', 'open', 'halfOpen'] as const;

export function windowIsFailing(failures: number, calls: number): boolean {
  return calls >= BREAKER_MIN_CALLS && failures >= BREAKER_FAILURE_RATIO * calls;
}

type BreakerEvent = { type: 'WINDOW'; failing: boolean; now: number } | { type: 'TICK'; now: number };

export const breakerMachine = setup({
  types: {
    context: {} as { failing: boolean; since: number },
    events: {} as BreakerEvent,
  },
  guards: {
    callsAreFailing: ({ event }) => event.type === 'WINDOW' && event.failing,
    hasCooledDown: ({ context, event }) => event.now - context.since >= BREAKER_OPEN_S,
    probesSucceeded: ({ context, event }) => !context.failing && event.now - context.since >= BREAKER_PROBE_S,
  },
  actions: {
    remember: assign(({ event }) => (event.type === 'WINDOW' ? { failing: event.failing } : {})),
    startClock: assign(({ event }) => ({ since: event.now })),
  },
}).createMachine({
  id: 'breaker',
  initial: 'closed',
  context: { failing: false, since: 0 },
  states: {
    closed: {
      on: {
        WINDOW: [{ guard: 'callsAreFailing', target: 'open', actions: ['remember', 'startClock'] }, { actions: 'remember' }],
      },
    },
    open: {
      on: {
        WINDOW: { actions: 'remember' },
        TICK: { guard: 'hasCooledDown', target: 'halfOpen', actions: 'startClock' },
      },
    },
    halfOpen: {
      // Entering half-open, the engine clears the caller's window: only probes are judged.
      entry: assign({ failing: false }),
      on: {
        WINDOW: [{ guard: 'callsAreFailing', target: 'open', actions: ['remember', 'startClock'] }, { actions: 'remember' }],
        TICK: { guard: 'probesSucceeded', target: 'closed' },
      },
    },
  },
});
