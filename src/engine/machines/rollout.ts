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
import { assign, emit, setup } from 'xstate';

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
  /** When the next region's stage begins, and when the last region's accounts are all locked. */
  nextRegionAt: number;
  doneAt: number;
  preflight: boolean;
  gateSeesFailures: boolean;
};

/** The machine's tick: the stage interval, or the lock step while accounts are locked gradually. */
const tickS = (c: RolloutInput) => (c.growS > 0 ? Math.min(c.lockStepS, c.stageIntervalS) : c.stageIntervalS);

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
    stillLocking: ({ context, event }) => context.stage + 1 < context.order.length || (event.type === 'STAGE_DUE' && event.now < context.doneAt - 1e-9),
  },
  actions: {
    begin: assign(({ context, event }) =>
      event.type === 'START'
        ? {
            stage: 0,
            nextStageAt: event.now + tickS(context),
            nextRegionAt: event.now + context.stageIntervalS,
            doneAt: event.now + context.stageIntervalS * (context.order.length - 1) + context.growS,
            preflight: event.preflight,
            gateSeesFailures: event.gateSeesFailures,
          }
        : {},
    ),
    nextRegion: assign(({ context }) => ({ stage: context.stage + 1, nextRegionAt: context.nextRegionAt + context.stageIntervalS })),
    scheduleTick: assign(({ context, event }) => ({ nextStageAt: (event.type === 'STAGE_DUE' ? event.now : 0) + tickS(context) })),
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
  context: ({ input }) => ({ ...input, stage: -1, nextStageAt: Infinity, nextRegionAt: Infinity, doneAt: Infinity, preflight: false, gateSeesFailures: false }),
  states: {
    idle: {
      on: { START: { target: 'rolling', actions: ['begin', 'applyStage'] }, DISABLE: 'disabled' },
    },
    rolling: {
      on: {
        STAGE_DUE: [
          { guard: 'gateSeesFailures', target: 'halted', actions: 'haltAndRollBack' },
          { guard: 'nextRegionIsDue', actions: ['nextRegion', 'applyStage', 'lock', 'scheduleTick'] },
          { guard: 'stillLocking', actions: ['lock', 'scheduleTick'] },
          { target: 'complete', actions: 'lock' },
        ],
        DISABLE: 'disabled',
      },
    },
    halted: { on: { DISABLE: 'disabled' } },
    complete: { on: { DISABLE: 'disabled' } },
    disabled: { type: 'final' },
  },
});
