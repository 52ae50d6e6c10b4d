// Point-in-time copies of a large Map that share what did not change. A
// simulated snapshot must not change after it was taken (a controller batch
// keeps its snapshot for seconds while the cluster moves on), yet copying
// 10,000 namespace entries per snapshot, with hundreds of snapshots alive at
// once in a big fleet's queue, cost memory per store per snapshot. Entries
// live in fixed buckets by key hash; a published version shares every bucket
// with the working copy, and a later write copies only its own bucket
// (copy-on-write). ClusterSnapshot.namespaces is typed as a JavaScript Map,
// so the version is a read-only Map subclass; persistent-map libraries
// (immutable.js and the like) hand out their own collection types instead.

const BUCKETS = 256;

function bucketOf(key: string): number {
  // FNV-1a: spreads namespace names ("store-123") evenly.
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % BUCKETS;
}

/** The working copy: mutable, and publishes cheap immutable versions of itself. */
export class BucketedMap<V> {
  private readonly buckets: Map<string, V>[] = Array.from({ length: BUCKETS }, () => new Map());
  /** Buckets a published version still uses: copied before their next write. */
  private readonly shared = new Array<boolean>(BUCKETS).fill(false);
  private count = 0;

  set(key: string, value: V): void {
    const bucket = this.writable(bucketOf(key));
    if (!bucket.has(key)) this.count += 1;
    bucket.set(key, value);
  }

  delete(key: string): void {
    const index = bucketOf(key);
    if (!this.buckets[index]?.has(key)) return;
    this.writable(index).delete(key);
    this.count -= 1;
  }

  /** A read-only Map of the entries as they are now; later writes never show in it. */
  publish(): Map<string, V> {
    this.shared.fill(true);
    return new FrozenBucketsMap([...this.buckets], this.count);
  }

  private writable(index: number): Map<string, V> {
    let bucket = this.buckets[index] as Map<string, V>;
    if (this.shared[index]) {
      bucket = new Map(bucket);
      this.buckets[index] = bucket;
      this.shared[index] = false;
    }
    return bucket;
  }
}

/** One published version. Its own Map storage stays empty; every read goes to the shared buckets. */
class FrozenBucketsMap<V> extends Map<string, V> {
  constructor(
    private readonly buckets: readonly ReadonlyMap<string, V>[],
    count: number,
  ) {
    super();
    // An own property shadows Map.prototype.size (declared as a field, so not overridable as a getter).
    Object.defineProperty(this, "size", { value: count });
  }

  override get(key: string): V | undefined {
    return this.buckets[bucketOf(key)]?.get(key);
  }

  override has(key: string): boolean {
    return this.buckets[bucketOf(key)]?.has(key) ?? false;
  }

  override *entries(): MapIterator<[string, V]> {
    for (const bucket of this.buckets) yield* bucket.entries();
  }

  override *keys(): MapIterator<string> {
    for (const bucket of this.buckets) yield* bucket.keys();
  }

  override *values(): MapIterator<V> {
    for (const bucket of this.buckets) yield* bucket.values();
  }

  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  override forEach(
    callback: (value: V, key: string, map: Map<string, V>) => void,
    thisArg?: unknown,
  ): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  override set(): this {
    throw new TypeError("a snapshot is read-only");
  }

  override delete(): boolean {
    throw new TypeError("a snapshot is read-only");
  }

  override clear(): void {
    throw new TypeError("a snapshot is read-only");
  }
}
