/**
 * Scale-out of one service node: requested capacity arrives only after its provisioning delay.
 * The engine sends TICK only once something provisioning is ready (`capacityDue`).
 */
import { assign, enqueueActions, setup } from 'xstate';

interface Pending {
  addRps: number;
  readyAt: number;
}

/** Whether any requested capacity is ready by `now`: only then does the machine need to hear the time. */
export function capacityDue(context: { pending: readonly Pending[] }, now: number): boolean {
  return context.pending.some((p) => p.readyAt <= now);
}

type ScaleEvent = { type: 'REQUEST'; addRps: number; readyAt: number } | { type: 'TICK'; now: number };

export const scaleoutMachine = setup({
  types: {
    context: {} as { pending: Pending[] },
    events: {} as ScaleEvent,
    emitted: {} as { type: 'capacityReady'; addRps: number },
  },
  guards: {
    nothingLeftPending: ({ context, event }) =>
      event.type === 'TICK' && context.pending.every((p) => p.readyAt <= event.now),
  },
  actions: {
    queueRequest: assign(({ context, event }) =>
      event.type === 'REQUEST' ? { pending: [...context.pending, { addRps: event.addRps, readyAt: event.readyAt }] } : {},
    ),
    deliverReadyCapacity: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'TICK') return;
      for (const p of context.pending) if (p.readyAt <= event.now) enqueue.emit({ type: 'capacityReady', addRps: p.addRps });
      enqueue.assign({ pending: context.pending.filter((p) => p.readyAt > event.now) });
    }),
  },
}).createMachine({
  id: 'scaleout',
  initial: 'steady',
  context: { pending: [] },
  states: {
    steady: { on: { REQUEST: { target: 'provisioning', actions: 'queueRequest' } } },
    provisioning: {
      on: {
        REQUEST: { actions: 'queueRequest' },
        TICK: [
          { guard: 'nothingLeftPending', target: 'steady', actions: 'deliverReadyCapacity' },
          { actions: 'deliverReadyCapacity' },
        ],
      },
    },
  },
});
