// Kafka's `AbstractStickyAssignor.PartitionMovements`: while the general sticky algorithm
// shuffles partitions toward balance, it remembers each partition's original and current owner
// per topic, so that instead of moving a second partition of a topic from A to B after one
// moved from B to A, it moves the first one back (a "cycle" between two members would be
// needless churn).
// https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/internals/AbstractStickyAssignor.java

interface Movement {
  readonly source: number;
  readonly destination: number;
}

export class PartitionMovements {
  private readonly memberCount: number;
  private readonly movements = new Map<number, Movement>();
  /** topic -> (source * memberCount + destination) -> partitions that moved that way. */
  private readonly byTopic = new Map<number, Map<number, Set<number>>>();

  constructor(memberCount: number) {
    this.memberCount = memberCount;
  }

  private pairKey(source: number, destination: number): number {
    return source * this.memberCount + destination;
  }

  private removeRecord(partition: number, topic: number): Movement {
    const movement = this.movements.get(partition)!;
    this.movements.delete(partition);
    const pairs = this.byTopic.get(topic)!;
    const key = this.pairKey(movement.source, movement.destination);
    const set = pairs.get(key)!;
    set.delete(partition);
    if (set.size === 0) pairs.delete(key);
    if (pairs.size === 0) this.byTopic.delete(topic);
    return movement;
  }

  private addRecord(partition: number, topic: number, movement: Movement): void {
    this.movements.set(partition, movement);
    let pairs = this.byTopic.get(topic);
    if (pairs === undefined) this.byTopic.set(topic, (pairs = new Map()));
    const key = this.pairKey(movement.source, movement.destination);
    let set = pairs.get(key);
    if (set === undefined) pairs.set(key, (set = new Set()));
    set.add(partition);
  }

  /** Records that `partition` moves from `from` to `to`. */
  move(partition: number, topic: number, from: number, to: number): void {
    if (!this.movements.has(partition)) {
      this.addRecord(partition, topic, { source: from, destination: to });
      return;
    }
    const existing = this.removeRecord(partition, topic);
    // Moving back to where it started erases the movement.
    if (existing.source !== to) this.addRecord(partition, topic, { source: existing.source, destination: to });
  }

  /**
   * The partition to move when `partition` should go from `from` to `to`: a partition of the
   * same topic that earlier moved the opposite way, if any (Java takes the first element of a
   * HashSet; we take the earliest recorded), else `partition` itself.
   */
  partitionToMove(partition: number, topic: number, from: number, to: number): number {
    const pairs = this.byTopic.get(topic);
    if (pairs === undefined) return partition;
    const origin = this.movements.get(partition)?.source ?? from;
    const reverse = pairs.get(this.pairKey(to, origin));
    if (reverse === undefined) return partition;
    return reverse.values().next().value!;
  }
}
