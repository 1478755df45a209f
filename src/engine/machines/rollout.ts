/**
 * The security remediation workflow: a staged rollout, region by region, behind a health gate.
 * A blind gate advances on schedule whatever happens; a gate that sees VM failures halts the
 * rollout and has the touched regions rolled back. A pre-flight diff keeps protected accounts
 * (the extension packages) out of its targets.
 */
import { assign, emit, setup } from 'xstate';

export interface RolloutInput {
  order: string[];
  stageIntervalS: number;
}

type RolloutEvent =
  | { type: 'START'; now: number; preflight: boolean; gateSeesFailures: boolean }
  | { type: 'STAGE_DUE'; now: number; touchedRegionsFailing: boolean }
  | { type: 'DISABLE'; now: number };

export type RolloutEmitted =
  | { type: 'apply'; region: string; includesProtected: boolean }
  | { type: 'halt'; regions: string[] };

export const rolloutMachine = setup({
  types: {
    context: {} as RolloutInput & { stage: number; nextStageAt: number; preflight: boolean; gateSeesFailures: boolean },
    events: {} as RolloutEvent,
    input: {} as RolloutInput,
    emitted: {} as RolloutEmitted,
  },
  guards: {
    gateSeesFailures: ({ context, event }) =>
      context.gateSeesFailures && event.type === 'STAGE_DUE' && event.touchedRegionsFailing,
    hasMoreRegions: ({ context }) => context.stage + 1 < context.order.length,
  },
  actions: {
    begin: assign(({ context, event }) =>
      event.type === 'START'
        ? { stage: 0, nextStageAt: event.now + context.stageIntervalS, preflight: event.preflight, gateSeesFailures: event.gateSeesFailures }
        : {},
    ),
    advance: assign(({ context, event }) => ({ stage: context.stage + 1, nextStageAt: event.now + context.stageIntervalS })),
    applyStage: emit(({ context }) => ({
      type: 'apply' as const,
      region: context.order[context.stage],
      includesProtected: !context.preflight,
    })),
    haltAndRollBack: emit(({ context }) => ({ type: 'halt' as const, regions: context.order.slice(0, context.stage + 1) })),
  },
}).createMachine({
  id: 'rollout',
  initial: 'idle',
  context: ({ input }) => ({ ...input, stage: -1, nextStageAt: Infinity, preflight: false, gateSeesFailures: false }),
  states: {
    idle: {
      on: { START: { target: 'rolling', actions: ['begin', 'applyStage'] }, DISABLE: 'disabled' },
    },
    rolling: {
      on: {
        STAGE_DUE: [
          { guard: 'gateSeesFailures', target: 'halted', actions: 'haltAndRollBack' },
          { guard: 'hasMoreRegions', actions: ['advance', 'applyStage'] },
          { target: 'complete' },
        ],
        DISABLE: 'disabled',
      },
    },
    halted: { on: { DISABLE: 'disabled' } },
    complete: { on: { DISABLE: 'disabled' } },
    disabled: { type: 'final' },
  },
});
