/**
 * A binary min-heap of numbers. The sticky general case keys members as
 * `size * memberCount + memberIndex`, which orders them like Kafka's `TreeSet` of consumers
 * by (assigned partitions, member id) and stays exact below 2^53.
 */
export class NumberHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let child = items.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (items[parent]! <= value) break;
      items[child] = items[parent]!;
      child = parent;
    }
    items[child] = value;
  }

  peek(): number | undefined {
    return this.items[0];
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let parent = 0;
    for (;;) {
      const left = parent * 2 + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const smaller = right < items.length && items[right]! < items[left]! ? right : left;
      if (items[smaller]! >= last) break;
      items[parent] = items[smaller]!;
      parent = smaller;
    }
    items[parent] = last;
    return top;
  }
}
