/** A set of physical line numbers as a bitmap (1 bit... well, 1 byte per line: simple and ≤ a few MB). */
export class LineSet {
  private bits: Uint8Array;
  private all = false;
  private count = 0;

  constructor(expectedLines = 1024) {
    this.bits = new Uint8Array(Math.max(16, expectedLines + 2));
  }

  /** Every line (the whole file must be re-dropped). */
  addAll(): void { this.all = true; }

  add(line: number): void {
    if (line < 1) return;
    if (line >= this.bits.length) {
      const grown = new Uint8Array(Math.max(line + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    if (!this.bits[line]) { this.bits[line] = 1; this.count += 1; }
  }

  has(line: number): boolean { return this.all || (line < this.bits.length && this.bits[line] === 1); }
  get isEmpty(): boolean { return !this.all && this.count === 0; }
}
