// Kafka's sticky assignors walk the members in `java.util.HashMap` iteration order in two
// places where order changes the outcome: when two members claim the same partition, and when
// more members own `maxQuota` partitions than may keep that many (the first ones walked keep
// them). The leader fills that HashMap in JoinGroup response order. To predict what a Java
// leader does, we reproduce that iteration order: buckets by the spread `String.hashCode()`,
// and within a bucket insertion order.
// https://github.com/openjdk/jdk/blob/master/src/java.base/share/classes/java/util/HashMap.java

const DEFAULT_CAPACITY = 16;
const LOAD_FACTOR = 0.75;
// A bucket longer than this (after an insert) is "treeified" when the table has at least
// MIN_TREEIFY_CAPACITY slots, or the table doubles instead.
const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/** `java.lang.String#hashCode`: UTF-16 code units, int32 overflow. */
export function javaStringHashCode(value: string): number {
  let hash = 0;
  for (let i = 0; i < value.length; i++) hash = (Math.imul(31, hash) + value.charCodeAt(i)) | 0;
  return hash;
}

/** `HashMap.hash`: XORs the high half into the low half before masking. */
function spread(hash: number): number {
  return hash ^ (hash >>> 16);
}

/**
 * The order in which a `HashMap<String, ?>`, filled with `keys` in the given order, iterates.
 * Returns positions into `keys`.
 *
 * Not reproduced: the order inside a treeified bucket (9+ keys colliding in one bucket of a
 * table of 64+ slots), which Java reorders around the red-black tree root. Such collisions need
 * adversarial member ids; we keep insertion order there.
 */
export function javaHashMapOrder(keys: readonly string[]): number[] {
  const hashes = keys.map((key) => spread(javaStringHashCode(key)));
  let capacity = DEFAULT_CAPACITY;
  let buckets: number[][] = Array.from({ length: capacity }, () => []);
  const resize = (): void => {
    const next: number[][] = Array.from({ length: capacity * 2 }, () => []);
    // Java splits each bucket into a "low" and a "high" list, keeping relative order.
    for (const bucket of buckets) for (const position of bucket) next[hashes[position]! & (capacity * 2 - 1)]!.push(position);
    capacity *= 2;
    buckets = next;
  };
  let size = 0;
  for (let position = 0; position < keys.length; position++) {
    const bucket = buckets[hashes[position]! & (capacity - 1)]!;
    // HashMap keys are unique; callers pass distinct member ids.
    bucket.push(position);
    if (bucket.length > TREEIFY_THRESHOLD && capacity < MIN_TREEIFY_CAPACITY) resize();
    size++;
    if (size > capacity * LOAD_FACTOR) resize();
  }
  return buckets.flat();
}
