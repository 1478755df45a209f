/**
 * The security remediation workflow: a staged rollout, region by region, behind a health gate.
 * A blind gate advances on schedule whatever happens; a gate that sees VM failures halts the
 * rollout and has the touched regions rolled back. A pre-flight diff keeps protected accounts
 * (the extension packages) out of its targets.
 *
 * Within a region the workflow locks accounts as it goes: every `lockStepS` it says how far it has
 * got (`lock`), and the simulation locks the share of each region's accounts it has reached
 * (`growS` after the region's stage began, all of them). Disabled, it touches nothing more; what it
 * had not reached stays as it was.
 */
import { assign, emit, enqueueActions, setup } from 'xstate';

export interface RolloutInput {
  order: string[];
  stageIntervalS: number;
  /** Seconds to lock all of a region's targeted accounts (0: all at once). */
  growS: number;
  /** How often the workflow moves on within the regions it has reached. */
  lockStepS: number;
}

type RolloutEvent =
  | { type: 'START'; now: number; preflight: boolean; gateSeesFailures: boolean }
  | { type: 'STAGE_DUE'; now: number; touchedRegionsFailing: boolean }
  | { type: 'DISABLE'; now: number };

export type RolloutEmitted =
  | { type: 'apply'; region: string; includesProtected: boolean }
  | { type: 'lock'; now: number }
  | { type: 'halt'; regions: string[] };

type Context = RolloutInput & {
  stage: number;
  /** When the machine next wants to hear from the clock (`STAGE_DUE`). */
  nextStageAt: number;
  /** When the next region's stage begins, when the workflow next moves on within the regions reached, and when the last region's accounts are all locked. */
  nextRegionAt: number;
  nextLockAt: number;
  doneAt: number;
  preflight: boolean;
  gateSeesFailures: boolean;
};

/**
 * The share of a region's targeted accounts the workflow has locked `sinceS` after it reached the
 * region: a step's worth at once, then a step's worth every lock step, all of them after `growS`.
 */
export function lockedShare(sinceS: number, growS: number, lockStepS: number): number {
  return growS > 0 ? Math.min(1, (sinceS + lockStepS) / growS) : 1;
}

/** When the machine next wants to hear from the clock: the next region's stage, the next lock step, or its end. */
const nextTick = (c: Context) =>
  Math.min(c.stage + 1 < c.order.length ? c.nextRegionAt : Infinity, c.growS > 0 ? c.nextLockAt : Infinity, c.doneAt);

export const rolloutMachine = setup({
  types: {
    context: {} as Context,
    events: {} as RolloutEvent,
    input: {} as RolloutInput,
    emitted: {} as RolloutEmitted,
  },
  guards: {
    gateSeesFailures: ({ context, event }) =>
      context.gateSeesFailures && event.type === 'STAGE_DUE' && event.touchedRegionsFailing,
    nextRegionIsDue: ({ context, event }) => context.stage + 1 < context.order.length && event.type === 'STAGE_DUE' && event.now >= context.nextRegionAt - 1e-9,
    lockIsDue: ({ context, event }) => context.growS > 0 && event.type === 'STAGE_DUE' && event.now >= context.nextLockAt - 1e-9,
    finished: ({ context, event }) => context.stage + 1 >= context.order.length && event.type === 'STAGE_DUE' && event.now >= context.doneAt - 1e-9,
  },
  actions: {
    begin: assign(({ context, event }) =>
      event.type === 'START'
        ? {
            stage: 0,
            nextStageAt: event.now + (context.growS > 0 ? Math.min(context.stageIntervalS, context.lockStepS) : context.stageIntervalS),
            nextRegionAt: event.now + context.stageIntervalS,
            nextLockAt: event.now + context.lockStepS,
            // Its end: the last region's accounts all locked, or (locked at once) a stage after the last region's.
            doneAt: event.now + context.stageIntervalS * (context.order.length - 1) + (context.growS > 0 ? context.growS : context.stageIntervalS),
            preflight: event.preflight,
            gateSeesFailures: event.gateSeesFailures,
          }
        : {},
    ),
    nextRegion: assign(({ context }) => ({ stage: context.stage + 1, nextRegionAt: context.nextRegionAt + context.stageIntervalS })),
    nextLock: assign(({ context }) => ({ nextLockAt: context.nextLockAt + context.lockStepS })),
    scheduleTick: assign(({ context }) => ({ nextStageAt: nextTick(context) })),
    applyStage: emit(({ context }) => ({
      type: 'apply' as const,
      region: context.order[context.stage],
      includesProtected: !context.preflight,
    })),
    lock: emit(({ event }) => ({ type: 'lock' as const, now: event.type === 'STAGE_DUE' ? event.now : 0 })),
    haltAndRollBack: emit(({ context }) => ({ type: 'halt' as const, regions: context.order.slice(0, context.stage + 1) })),
  },
}).createMachine({
  id: 'rollout',
  initial: 'idle',
  context: ({ input }) => ({ ...input, stage: -1, nextStageAt: Infinity, nextRegionAt: Infinity, nextLockAt: Infinity, doneAt: Infinity, preflight: false, gateSeesFailures: false }),
  states: {
    idle: {
      on: { START: { target: 'rolling', actions: ['begin', 'applyStage'] }, DISABLE: 'disabled' },
    },
    rolling: {
      on: {
        STAGE_DUE: [
          { guard: 'gateSeesFailures', target: 'halted', actions: 'haltAndRollBack' },
          { guard: 'finished', target: 'complete', actions: 'lock' },
          {
            // The next region's stage if it is due, the next lock step if it is due, then the next tick.
            actions: enqueueActions(({ enqueue, check }) => {
              if (check('nextRegionIsDue')) {
                enqueue('nextRegion');
                enqueue('applyStage');
              }
              if (check('lockIsDue')) {
                enqueue('lock');
                enqueue('nextLock');
              }
              enqueue('scheduleTick');
            }),
          },
        ],
        DISABLE: 'disabled',
      },
    },
    halted: { on: { DISABLE: 'disabled' } },
    complete: { on: { DISABLE: 'disabled' } },
    disabled: { type: 'final' },
  },
});
