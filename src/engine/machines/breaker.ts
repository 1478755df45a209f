/**
 * A caller's circuit breaker. The engine classifies the caller's recent calls (failing or not) and
 * sends WINDOW only when that changes, and TICK only while the breaker is not closed, so a breaker
 * costs nothing while all is well.
 */
import { assign, setup } from 'xstate';

/**
 * A count-and-ratio breaker, the common design (resilience4j, Polly): closed, it opens when at
 * least half of at least 20 calls over the last ~10 s failed; open, it fails calls fast for 30 s;
 * half-open, it lets a few probe calls through (see BREAKER_PROBES_PER_S in flow.ts) and closes
 * once at least 5 of them have come back and fewer than half failed, or reopens.
 * These numbers are the lab's own, not any library's defaults.
 */
export const BREAKER_FAILURE_RATIO = 0.5;
export const BREAKER_MIN_CALLS = 20;
export const BREAKER_OPEN_S = 30;
export const BREAKER_PROBE_S = 5;
export const BREAKER_MIN_PROBES = 5;

export const BREAKER_STATES = ['closed', 'open', 'halfOpen'] as const;

export type Verdict = 'unknown' | 'passing' | 'failing';
export const VERDICTS: readonly Verdict[] = ['unknown', 'passing', 'failing'];

/** What a window of calls says: too few to tell, mostly fine, or failing. */
export function judgeWindow(failures: number, calls: number, minCalls = BREAKER_MIN_CALLS): Verdict {
  if (calls < minCalls) return 'unknown';
  return failures >= BREAKER_FAILURE_RATIO * calls ? 'failing' : 'passing';
}

/** What the probes of a half-open breaker say. */
export function judgeProbes(failures: number, probes: number): Verdict {
  return judgeWindow(failures, probes, BREAKER_MIN_PROBES);
}

type BreakerEvent = { type: 'WINDOW'; verdict: Verdict; now: number } | { type: 'TICK'; now: number };

export const breakerMachine = setup({
  types: {
    context: {} as { verdict: Verdict; since: number },
    events: {} as BreakerEvent,
  },
  guards: {
    callsAreFailing: ({ event }) => event.type === 'WINDOW' && event.verdict === 'failing',
    hasCooledDown: ({ context, event }) => event.now - context.since >= BREAKER_OPEN_S,
    probesSucceeded: ({ context, event }) => context.verdict === 'passing' && event.now - context.since >= BREAKER_PROBE_S,
  },
  actions: {
    remember: assign(({ event }) => (event.type === 'WINDOW' ? { verdict: event.verdict } : {})),
    startClock: assign(({ event }) => ({ since: event.now })),
  },
}).createMachine({
  id: 'breaker',
  initial: 'closed',
  context: { verdict: 'unknown', since: 0 },
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
      // Entering half-open, the engine clears the caller's window: only probes are judged, and
      // the breaker closes only once enough of them have come back fine.
      entry: assign({ verdict: 'unknown' }),
      on: {
        WINDOW: [{ guard: 'callsAreFailing', target: 'open', actions: ['remember', 'startClock'] }, { actions: 'remember' }],
        TICK: { guard: 'probesSucceeded', target: 'closed' },
      },
    },
  },
});
