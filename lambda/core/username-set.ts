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

/**
 * Remembers which usernames were already seen (and on which line) in a compact open-addressing
 * table of 64-bit hashes: ~16 bytes per user instead of a Set of strings, so a 500,000-user
 * file costs a few MB. A digest collision (≈ n²/2⁶⁵) would report a false duplicate; accepted.
 */
export class UsernameSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private lines: Uint32Array; // 0 = empty slot (line numbers start at 1)
  private count = 0;

  constructor(initialCapacity = 1024) {
    const cap = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.lines = new Uint32Array(cap);
  }

  get size(): number { return this.count; }

  /** Adds `username` seen on `line` (case-folded when `foldCase`); returns the earlier line when it was already there. */
  addOrGet(username: string, line: number, foldCase = false): number | undefined {
    const [hi, lo] = hash64(username, foldCase);
    return this.addOrGetHash(hi, lo, line);
  }

  /** addOrGet for a username already hashed (by hash64, or the same function over its bytes). */
  addOrGetHash(hi: number, lo: number, line: number): number | undefined {
    const found = this.probe(hi, lo);
    if (this.lines[found] !== 0) return this.lines[found];
    this.hi[found] = hi;
    this.lo[found] = lo;
    this.lines[found] = line;
    this.count += 1;
    // Grown at 3/4 full: linear probing stays short, and the table stays small.
    if (this.count * 4 > this.lines.length * 3) this.grow();
    return undefined;
  }

  /** The line `username` was added with (case-folded when `foldCase`), or undefined. */
  lineOf(username: string, foldCase = false): number | undefined {
    const [hi, lo] = hash64(username, foldCase);
    const line = this.lines[this.probe(hi, lo)];
    return line === 0 ? undefined : line;
  }

  private probe(hi: number, lo: number): number {
    const mask = this.lines.length - 1;
    let i = lo & mask;
    while (this.lines[i] !== 0 && (this.hi[i] !== hi || this.lo[i] !== lo)) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const { hi, lo, lines } = this;
    const cap = lines.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.lines = new Uint32Array(cap);
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] === 0) continue;
      const j = this.probe(hi[i], lo[i]);
      this.hi[j] = hi[i];
      this.lo[j] = lo[i];
      this.lines[j] = lines[i];
    }
  }
}
