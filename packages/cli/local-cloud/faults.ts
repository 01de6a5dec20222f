/**
 * Fault injection, switchable per test. Every switch is off by default; `reset()` turns all off.
 * The local cloud's services consult this object on each call.
 */
export type PutFailure = '500' | 'reset';

/** The faults, by name, as counted by {@link Faults.fired}. */
export type FaultName =
  | 'throttle' | 'foreignJobActive' | 'lateUploadVisibility' | 'putFailure' | 'presignedUrlTtl' | 'duplicateS3Event' | 'workerCrash';

export class Faults {
  /** Every Nth Cognito call answers TooManyRequestsException (0 = off). */
  throttleEveryNth = 0;
  /** Only these Cognito operations count for throttling (empty = all). */
  throttleOperations: string[] = [];
  private cognitoCalls = 0;
  /** Until this emulator-clock time (ms), a foreign import job is active in the account. */
  foreignJobActiveUntil = 0;
  /** A foreign job armed to become active at the next Start, for this many ms (so it fires however slow the machine). */
  private foreignJobArmedMs: number | undefined;
  /** The next N StartUserImportJob calls after an upload answer PreconditionNotMetException. */
  preconditionNotMetStarts = 0;
  /** Queue of failures for the next PUTs to pre-signed URLs. */
  putFailures: PutFailure[] = [];
  /** Lifetime of new pre-signed URLs in ms (undefined = 15 minutes, as Cognito). */
  presignedUrlTtlMs: number | undefined = undefined;
  /** How many times each S3 object-created event is delivered to the trigger (1 = normal). */
  s3EventDeliveries = 1;
  /** Worker actions that crash after the handler returned (the side effects happened), with a count. */
  crashAfter = new Map<string, number>();
  /** How many times each fault took effect: a test asserts its fault fired, or it proves nothing. */
  private readonly firedCounts = new Map<FaultName, number>();

  /** How many times `fault` actually took effect (a call answered with it) since the last `reset()`. */
  fired(fault: FaultName): number {
    return this.firedCounts.get(fault) ?? 0;
  }
  private fire(fault: FaultName): true {
    this.firedCounts.set(fault, this.fired(fault) + 1);
    return true;
  }

  /** Throttle every Nth Cognito call (e.g. 3 = a third of the calls). */
  throttleCognito(everyNth: number, operations: string[] = []): this {
    this.throttleEveryNth = everyNth;
    this.throttleOperations = operations;
    this.cognitoCalls = 0;
    return this;
  }
  /**
   * A foreign import job is active for `ms` milliseconds of the emulator's clock, starting at `now`, or, without
   * `now`, starting at the next StartUserImportJob (so that Start is sure to meet it however long the steps before take).
   */
  foreignJobActive(ms: number, now?: number): this {
    if (now === undefined) this.foreignJobArmedMs = ms;
    else this.foreignJobActiveUntil = now + ms;
    return this;
  }
  /** The next `n` starts after an upload see PreconditionNotMetException (late visibility of the upload). */
  lateUploadVisibility(n: number): this {
    this.preconditionNotMetStarts = n;
    return this;
  }
  /** The next PUTs to pre-signed URLs fail, in order: `'500'` (InternalError) or `'reset'` (connection reset). */
  failNextPuts(...failures: PutFailure[]): this {
    this.putFailures.push(...failures);
    return this;
  }
  /** New pre-signed URLs expire after `ms` (0 = already expired when used). `undefined` restores 15 minutes. */
  presignedUrlTtl(ms: number | undefined): this {
    this.presignedUrlTtlMs = ms;
    return this;
  }
  /** Deliver every S3 object-created event `n` times. */
  duplicateS3Events(n: number): this {
    this.s3EventDeliveries = Math.max(1, n);
    return this;
  }
  /** The worker invocation for `action` throws after the handler returned, `times` times. */
  crashWorkerAfter(action: string, times = 1): this {
    this.crashAfter.set(action, times);
    return this;
  }

  /** @internal Whether this Cognito call is throttled. */
  shouldThrottle(operation: string): boolean {
    if (this.throttleEveryNth <= 0) return false;
    if (this.throttleOperations.length > 0 && !this.throttleOperations.includes(operation)) return false;
    this.cognitoCalls += 1;
    return this.cognitoCalls % this.throttleEveryNth === 0 && this.fire('throttle');
  }
  /** @internal Whether the foreign job is active at `now` (a Start then finds the account busy). */
  foreignJobActiveAt(now: number): boolean {
    if (this.foreignJobArmedMs !== undefined) {
      this.foreignJobActiveUntil = now + this.foreignJobArmedMs;
      this.foreignJobArmedMs = undefined;
    }
    return now < this.foreignJobActiveUntil && this.fire('foreignJobActive');
  }
  /** @internal Whether this Start after an upload answers PreconditionNotMet (uses one of the `n`). */
  takeLateUpload(): boolean {
    if (this.preconditionNotMetStarts <= 0) return false;
    this.preconditionNotMetStarts -= 1;
    return this.fire('lateUploadVisibility');
  }
  /** @internal The lifetime of a new pre-signed URL: the injected one, or `standardMs`. */
  presignedUrlTtlOr(standardMs: number): number {
    if (this.presignedUrlTtlMs === undefined) return standardMs;
    this.fire('presignedUrlTtl');
    return this.presignedUrlTtlMs;
  }
  /** @internal How many times to deliver one S3 event (each delivery past the first counts as fired). */
  s3EventDeliveryCount(): number {
    for (let i = 1; i < this.s3EventDeliveries; i++) this.fire('duplicateS3Event');
    return this.s3EventDeliveries;
  }
  /** @internal */
  takePutFailure(): PutFailure | undefined {
    const failure = this.putFailures.shift();
    if (failure) this.fire('putFailure');
    return failure;
  }
  /** @internal */
  takeCrash(action: string): boolean {
    const n = this.crashAfter.get(action) ?? 0;
    if (n <= 0) return false;
    this.crashAfter.set(action, n - 1);
    return this.fire('workerCrash');
  }

  reset(): this {
    this.throttleEveryNth = 0;
    this.throttleOperations = [];
    this.cognitoCalls = 0;
    this.foreignJobActiveUntil = 0;
    this.foreignJobArmedMs = undefined;
    this.preconditionNotMetStarts = 0;
    this.putFailures = [];
    this.presignedUrlTtlMs = undefined;
    this.s3EventDeliveries = 1;
    this.crashAfter.clear();
    this.firedCounts.clear();
    return this;
  }

  /** Applies a JSON description (the admin route `POST /_local/faults`). */
  apply(spec: Record<string, unknown>, now: number): this {
    if (spec.reset) this.reset();
    if (typeof spec.throttleEveryNth === 'number') this.throttleCognito(spec.throttleEveryNth, Array.isArray(spec.throttleOperations) ? spec.throttleOperations.map(String) : []);
    if (typeof spec.foreignJobActiveMs === 'number') this.foreignJobActive(spec.foreignJobActiveMs, now);
    if (typeof spec.lateUploadVisibility === 'number') this.lateUploadVisibility(spec.lateUploadVisibility);
    if (Array.isArray(spec.failNextPuts)) this.failNextPuts(...spec.failNextPuts.filter((f): f is PutFailure => f === '500' || f === 'reset'));
    if (spec.presignedUrlTtlMs === null || typeof spec.presignedUrlTtlMs === 'number') this.presignedUrlTtl(spec.presignedUrlTtlMs ?? undefined);
    if (typeof spec.s3EventDeliveries === 'number') this.duplicateS3Events(spec.s3EventDeliveries);
    if (spec.crashWorkerAfter && typeof spec.crashWorkerAfter === 'object') {
      for (const [action, times] of Object.entries(spec.crashWorkerAfter as Record<string, unknown>)) this.crashWorkerAfter(action, Number(times) || 1);
    }
    return this;
  }
}
