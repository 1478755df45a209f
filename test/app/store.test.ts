/**
 * The page's store: every click is an action applied in order. What the simulation is asked to do
 * (step, seek, restart, operator actions, exports, other runs) waits in one queue, in the order it
 * was asked, until the session takes it; nothing asked is lost, even when asked from inside another
 * action's update.
 */
import { describe, expect, it } from 'vitest';
import { createLabStore, followRequests, type QueuedRequest } from '../../src/app/store.ts';

/** A session as the page's is: it follows the store's requests; taking one changes the store again. */
function follow(store: ReturnType<typeof createLabStore>): QueuedRequest[] {
  const taken: QueuedRequest[] = [];
  followRequests(store, (r) => {
    taken.push(r);
    store.getState().say(`took ${r.type}`);
  });
  return taken;
}

describe('the store', () => {
  it('queues what the page asks of the simulation, in the order asked, each taken once', () => {
    const store = createLabStore({ playing: true });
    const taken = follow(store);
    const s = store.getState();
    s.step();
    s.seek(120);
    s.act({ type: 'admission', percent: 0 });
    s.undo();
    s.restart();
    s.exportRun('csv');
    expect(taken.map((r) => r.type)).toEqual(['step', 'seek', 'act', 'undo', 'restart', 'export']);
    expect(taken.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // Step pauses in the same update that asks for it; a request taken leaves the queue.
    expect(store.getState().playing).toBe(false);
    expect(store.getState().requests).toEqual([]);
  });

  it('a chapter of the story turns the what-ifs off, and says which', () => {
    const store = createLabStore({ recipe: { seed: 1, params: {}, changes: [] }, model: { params: [] } as never });
    const s = store.getState();
    s.addWhatIf({ key: 'a', label: 'Isolated regions', params: { failover: 0 } });
    s.addWhatIf({ key: 'b', label: 'Release blocked work in batches', params: { 'recovery.release': 'batched' } });
    store.getState().goToChapter(5);
    expect(store.getState().whatIfs).toEqual([]);
    expect(store.getState().notice).toBe('The story tells the run as it happened, so Isolated regions and Release blocked work in batches are off now; What if turns them on again.');
    // None on: nothing to say.
    store.getState().say(null);
    store.getState().goToChapter(6);
    expect(store.getState().notice).toBeNull();
  });

  it('asks nothing of a session that is not there yet: requests wait in the queue', () => {
    const store = createLabStore();
    store.getState().seek(10);
    store.getState().seek(20);
    expect(store.getState().requests.map((r) => (r.type === 'seek' ? r.t : NaN))).toEqual([10, 20]);
    const taken = follow(store);
    store.getState().seek(30);
    expect(taken.map((r) => (r.type === 'seek' ? r.t : NaN))).toEqual([10, 20, 30]);
  });

  it('another model forgets the old run at once; a file only once the simulation accepts it', () => {
    const store = createLabStore({ chapter: 2, compareKey: 'w:budget', notice: 'old' });
    store.getState().openModel('single-service');
    expect(store.getState()).toMatchObject({ chapter: -1, compareKey: undefined, notice: null });
    expect(store.getState().requests.at(-1)).toMatchObject({ type: 'open', model: 'single-service' });
    const other = createLabStore({ chapter: 2, compareKey: 'w:budget' });
    other.getState().openFile('mine.json', { id: 'mine' });
    expect(other.getState()).toMatchObject({ chapter: 2, compareKey: 'w:budget' });
    other.getState().fileOpened('mine.json');
    expect(other.getState()).toMatchObject({ chapter: -1, compareKey: undefined, notice: 'Opened mine.json: this model comes from a file, not from the lab.' });
  });

  it('as it happened: no what-ifs, and the run made again with the model\'s own settings', () => {
    const store = createLabStore({ whatIfs: [{ key: 'w:budget', label: 'Budget', params: { 'retry.budget': 10 }, replaced: { 'retry.budget': 'off' } }] });
    store.getState().asItHappened();
    expect(store.getState().whatIfs).toEqual([]);
    expect(store.getState().requests.at(-1)).toMatchObject({ type: 'rerun', params: {}, changes: [] });
  });
});
