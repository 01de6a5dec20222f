/**
 * A 64-bit hash of a string as two 32-bit lanes (cyrb53's mixing, both lanes kept): an order of
 * magnitude faster than a crypto digest per row, and as good for telling usernames apart.
 */
export function hash64(s: string, foldCase = false): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    let ch = s.charCodeAt(i);
    if (foldCase) {
      // ASCII folds here; anything else is folded by toLowerCase (rare, so only then a new string).
      if (ch >= 65 && ch <= 90) ch += 32;
      else if (ch >= 128) return hash64(s.toLowerCase(), false);
    }
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

/** Shards of the table: chosen by the hash's top bits, each grows on its own. */
const SHARD_BITS = 6;
const SHARDS = 1 << SHARD_BITS;
/** A shard grows once more than this share of its slots is used. */
const MAX_LOAD = 0.8;
/** Slot layout: hi, lo and line side by side (one cache line per probe). */
const STRIDE = 3;

/**
 * Remembers which usernames were already seen (and on which line) in compact open-addressing
 * tables of 64-bit hashes: 12 bytes a slot, between 0.53 and 0.8 full, so 15–23 bytes a user
 * instead of a Set of strings. A digest collision (≈ n²/2⁶⁵) would report a false duplicate; accepted.
 *
 * The table is 64 shards, picked by the hash's top bits, that grow one at a time: growing one
 * shard briefly holds its old and new slots, 1/64 of the table, where doubling a single table
 * would briefly hold one and a half times all of it (6 MB more at 774,000 users). `reserve`
 * sizes it for a whole file up front.
 */
export class UsernameSet {
  private readonly shards: Uint32Array[] = [];
  private readonly counts = new Uint32Array(SHARDS);

  /** `expectedUsers`: sizes the shards up front when known (no growth until then). */
  constructor(expectedUsers = 0) {
    const cap = shardSlotsFor(expectedUsers);
    for (let i = 0; i < SHARDS; i++) this.shards.push(new Uint32Array(cap * STRIDE));
  }

  /**
   * Makes room for `expectedUsers` in all, so adding them needs no growth (done early, while the
   * table is small: growing shard by shard leaves freed old slots behind as the table fills).
   */
  reserve(expectedUsers: number): void {
    const cap = shardSlotsFor(expectedUsers);
    for (let s = 0; s < SHARDS; s++) {
      if (this.shards[s].length / STRIDE < cap) this.shards[s] = grown(this.shards[s], cap);
    }
  }

  get size(): number { return this.counts.reduce((n, c) => n + c, 0); }

  /** Bytes held by the table's slots. */
  get bytes(): number { return this.shards.reduce((n, t) => n + t.byteLength, 0); }

  /** Adds `username` seen on `line` (case-folded when `foldCase`); returns the earlier line when it was already there. */
  addOrGet(username: string, line: number, foldCase = false): number | undefined {
    const [hi, lo] = hash64(username, foldCase);
    return this.addOrGetHash(hi, lo, line);
  }

  /** addOrGet for a username already hashed (by hash64, or the same function over its bytes). */
  addOrGetHash(hi: number, lo: number, line: number): number | undefined {
    const s = hi >>> (32 - SHARD_BITS);
    const table = this.shards[s];
    const at = probe(table, hi, lo);
    if (table[at + 2] !== 0) return table[at + 2];
    table[at] = hi;
    table[at + 1] = lo;
    table[at + 2] = line;
    // Grown by half past MAX_LOAD: linear probing stays short (≈ 3 probes an insert on average up
    // to there), and the table stays small.
    if (++this.counts[s] > (table.length / STRIDE) * MAX_LOAD) this.shards[s] = grown(table, Math.ceil(table.length / STRIDE * 1.5));
    return undefined;
  }

  /** The line `username` was added with (case-folded when `foldCase`), or undefined. */
  lineOf(username: string, foldCase = false): number | undefined {
    const [hi, lo] = hash64(username, foldCase);
    const table = this.shards[hi >>> (32 - SHARD_BITS)];
    const line = table[probe(table, hi, lo) + 2];
    return line === 0 ? undefined : line;
  }
}

/**
 * Slots a shard needs to hold its share of `users` at most MAX_LOAD full (≥ 16). Shares vary like a
 * binomial count: four standard deviations of room keep every shard from growing.
 */
function shardSlotsFor(users: number): number {
  const perShard = users / SHARDS;
  return Math.max(16, Math.ceil((perShard + 4 * Math.sqrt(perShard)) / MAX_LOAD) + 1);
}

/**
 * The slot (index of its `hi`) holding (hi, lo), or the empty slot where it belongs. Line 0 = empty.
 * Any number of slots (not only powers of two): a shard is sized to what it must hold.
 */
function probe(table: Uint32Array, hi: number, lo: number): number {
  const slots = table.length / STRIDE;
  let i = startSlot(table, lo);
  for (;;) {
    const at = i * STRIDE;
    if (table[at + 2] === 0 || (table[at] === hi && table[at + 1] === lo)) return at;
    i = i + 1 === slots ? 0 : i + 1;
  }
}

/**
 * Where the probe for `lo` starts: `lo` (uniform over 2^32) scaled to the slot count, a multiply
 * (`lo % slots` was a floating-point remainder: lo is often ≥ 2^31).
 */
function startSlot(table: Uint32Array, lo: number): number {
  return Math.floor(lo * (table.length / STRIDE / 4294967296));
}

function grown(old: Uint32Array, slots: number): Uint32Array {
  const table = new Uint32Array(slots * STRIDE);
  for (let at = 0; at < old.length; at += STRIDE) {
    if (old[at + 2] === 0) continue;
    const to = probe(table, old[at], old[at + 1]);
    table[to] = old[at];
    table[to + 1] = old[at + 1];
    table[to + 2] = old[at + 2];
  }
  return table;
}
