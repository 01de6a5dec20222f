import { createHash } from 'node:crypto';

/**
 * Remembers which usernames were already seen (and on which line) in a compact open-addressing
 * table of 64-bit digests: ~12 bytes per user instead of a Set of strings, so a 500,000-user
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

  /** Adds `username` seen on `line`; returns the earlier line when it was already there. */
  addOrGet(username: string, line: number): number | undefined {
    const d = createHash('md5').update(username, 'utf8').digest();
    const hi = d.readUInt32LE(0);
    const lo = d.readUInt32LE(4);
    const found = this.probe(hi, lo);
    if (this.lines[found] !== 0) return this.lines[found];
    this.hi[found] = hi;
    this.lo[found] = lo;
    this.lines[found] = line;
    this.count += 1;
    if (this.count * 2 > this.lines.length) this.grow();
    return undefined;
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
