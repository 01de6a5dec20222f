/**
 * Keeps a streaming step's peak memory flat in the size of the file.
 *
 * Every chunk Node reads from a socket (S3 GetObject) or hands to one (the PUT) becomes garbage
 * once it is processed, and only V8's collector frees it. V8 collects late: it lets its old
 * generation grow with the allocation rate, and lets memory outside its heap (Buffers) grow by
 * tens of MB between collections. Measured on the 100 MB benchmark file, that garbage was most of
 * the difference between a 10 MB and a 100 MB import.
 *
 * When the runtime exposes `gc` (the worker runs with `--expose-gc`, see WORKER_NODE_OPTIONS), a
 * young-generation collection after every 2 MiB streamed frees each chunk a MiB or two after it
 * arrived, before it can age into the old generation, whatever the file's size (well under a
 * millisecond each). Measured (BENCHMARKS.md item 3): reading for validate, this kept the 100 MB
 * file's peak at 101 MB in every run where a full collection every 16 MiB (the earlier way) peaked
 * at 100–115 MB and cost ~9 ms each; in the PUT a full collection as often cost ~25% of its speed,
 * this ~3%. Without `gc` (tests, other runtimes) this does nothing.
 */
export const GC_EVERY_BYTES = 2 * 1024 * 1024;

/**
 * `full`: a whole-heap collection (~12 ms here), frees everything dead. `minor`: only the young
 * generation (well under 1 ms), enough where chunks die within a collection or two of arriving.
 */
export type GcKind = 'full' | 'minor';
export type Collector = (options?: { type: 'major' | 'minor' }) => void;

/** The runtime's `gc`, when Node was started with --expose-gc. */
export function exposedGc(): Collector | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as Collector) : undefined;
}

/**
 * A full collection now, when the runtime exposes `gc`. For the start of a step that streams: a
 * warm container still holds the garbage of its last step (validate's username table: ~16 bytes
 * a user) until V8 gets round to it, and without this the two steps' memory adds up.
 */
export function collectGarbage(gc: Collector | undefined = exposedGc()): void {
  gc?.();
}

export class GcPacer {
  private sinceLast = 0;
  /** Collections made so far (for tests and logs). */
  collections = 0;

  constructor(
    private readonly everyBytes = GC_EVERY_BYTES,
    private readonly kind: GcKind = 'minor',
    private readonly gc: Collector | undefined = exposedGc(),
  ) {}

  /** Counts `bytes` streamed; collects once `everyBytes` have gone by since the last collection. */
  moved(bytes: number): void {
    if (!this.gc) return;
    this.sinceLast += bytes;
    if (this.sinceLast < this.everyBytes) return;
    this.sinceLast = 0;
    this.collections += 1;
    if (this.kind === 'minor') this.gc({ type: 'minor' });
    else this.gc();
  }
}
