import { CycleEvaluator, EarlyEvaluation, InMemoryLagStateStore, evaluateCycle } from '../../../shared/lag/index.ts';
import type { CollectedGroup, CollectedTopic, LagCollection, LagStateStore, LoadedLagState } from '../../../shared/lag/index.ts';

const T0 = 1_800_000_000_000;

const topic = (name: string, logEnd: bigint): CollectedTopic => ({ topic: name, partitionCount: 1, logStartOffsets: [0n], logEndOffsets: [logEnd] });

const group = (groupId: string, t: CollectedTopic, committed: bigint): CollectedGroup => ({
  groupId,
  type: 'classic',
  state: 'Empty',
  members: [],
  generation: null,
  partitions: [{ topic: t.topic, partition: 0, committedOffset: committed, logStartOffset: 0n, logEndOffset: t.logEndOffsets[0]!, owner: null }],
  errors: [],
  offsetsAvailable: true,
  described: true,
});

/** A CycleEvaluator that remembers which groups were added before `finish`. */
class RecordingEvaluator extends CycleEvaluator {
  readonly added: string[] = [];
  override add(g: CollectedGroup, topics: ReadonlyMap<string, CollectedTopic>): void {
    this.added.push(g.groupId);
    super.add(g, topics);
  }
}

/** A store whose state was written by one earlier cycle over `collection`, one minute before T0. */
async function storeAfter(collection: LagCollection): Promise<InMemoryLagStateStore> {
  const store = new InMemoryLagStateStore();
  const previous = evaluateCycle(collection, { groups: new Map(), topics: new Map() }, T0 - 60_000);
  await store.save({ groups: previous.groupStates, topics: previous.topicStates });
  return store;
}

describe('EarlyEvaluation', () => {
  const orders = topic('orders', 100n);
  const audit = topic('audit', 50n);
  const known = group('email', orders, 40n);
  const newGroup = group('analytics', orders, 10n);
  const onNewTopic = group('archive', audit, 5n);
  const collection: LagCollection = {
    groups: [newGroup, onNewTopic, known],
    topics: new Map([
      ['audit', audit],
      ['orders', orders],
    ]),
    vanishedGroups: [],
    errors: [],
    listingComplete: true,
    outdatedTopics: [],
  };

  it('evaluates a group the early state covers when it is handed out, the others at the end, as one evaluation of the whole cycle would', async () => {
    const store = await storeAfter(collection);
    let evaluator: RecordingEvaluator | undefined;
    const early = new EarlyEvaluation(store, { groups: ['email', 'archive'], topics: ['orders'] }, (loaded) => (evaluator = new RecordingEvaluator(loaded, T0)));
    // Handed out before the early load is in (it waits), and a group it does not cover.
    for (const g of [known, newGroup, onNewTopic]) early.onGroup(g, collection.topics);
    const completed = (await early.complete(collection))!;

    expect(evaluator!.added).toEqual(['email']);
    expect(completed.evaluator).toBe(evaluator);
    expect(completed.stateReadable).toBe(true);
    const everything = await store.load({ groups: ['analytics', 'archive', 'email'], topics: ['audit', 'orders'] });
    expect(completed.loaded).toEqual(everything);
    expect(completed.evaluator.finish(collection)).toEqual(evaluateCycle(collection, everything, T0));
  });

  it('loads at the end only what the early load did not cover, and nothing when it covered everything', async () => {
    const store = await storeAfter(collection);
    const partly = new EarlyEvaluation(store, { groups: ['email'], topics: ['orders'] }, (loaded) => new CycleEvaluator(loaded, T0));
    await partly.complete(collection);
    expect(store.calls.load).toBe(2);

    const fully = new EarlyEvaluation(store, { groups: ['analytics', 'archive', 'email'], topics: ['audit', 'orders'] }, (loaded) => new CycleEvaluator(loaded, T0));
    await fully.complete(collection);
    expect(store.calls.load).toBe(3);
  });

  it('evaluates nothing early and hands the cycle back when the early load fails', async () => {
    const store = failingStore(1);
    let built = 0;
    const early = new EarlyEvaluation(store, { groups: ['email'], topics: ['orders'] }, (loaded) => (built++, new CycleEvaluator(loaded, T0)));
    early.onGroup(known, collection.topics);
    expect(await early.complete(collection)).toBeUndefined();
    expect(built).toBe(0);
  });

  it('reports state it could not read at the end, and says the cycle must not save', async () => {
    const store = failingStore(2);
    const early = new EarlyEvaluation(store, { groups: ['email'], topics: ['orders'] }, (loaded) => new CycleEvaluator(loaded, T0));
    const completed = (await early.complete(collection))!;
    expect(completed.stateReadable).toBe(false);
    expect(completed.error).toMatch(/^state table: loading failed, statuses start afresh for 2 group\(s\) and 1 topic\(s\) new this cycle and nothing is saved: .*throttled/);
  });
});

/** A store whose `failOnCall`-th load rejects (1-based); the others answer with no state. */
function failingStore(failOnCall: number): LagStateStore {
  let calls = 0;
  const empty: LoadedLagState = { groups: new Map(), topics: new Map() };
  return {
    loadIndex: async () => undefined,
    load: async () => {
      calls++;
      if (calls === failOnCall) throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      return empty;
    },
    save: async () => undefined,
  };
}
