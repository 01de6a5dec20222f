import type { PassState } from '../shared/steps';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { errorMessage, isThrottle, throttled } from '../runtime/errors';

/**
 * Cognito's request quotas are per account and per category (AdminGetUser, ListUsers, the update
 * operations each draw from their own), and the application's own traffic shares them. Per-user
 * passes (lookup, update, groups) therefore run at a fraction of the default quota, spaced evenly,
 * and back off when Cognito throttles anyway.
 */
export interface Pacer {
  /** Waits until the next call may start, then runs it; throttled calls are retried with backoff. */
  call<T>(fn: () => Promise<T>): Promise<T>;
  /** Calls made so far (each retry counts: it is a request Cognito saw). */
  readonly requests: number;
  readonly throttles: number;
}

export interface PacerOptions {
  readonly requestsPerSecond: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Throttled answers in a row before the step gives up with a Throttled step error. */
  readonly maxThrottleRetries?: number;
  /** Other (non-throttle) retryable errors in a row before giving up. */
  readonly maxErrorRetries?: number;
}

const RETRYABLE = /InternalError|ServiceUnavailable|TimeoutError|ECONNRESET|EPIPE|socket hang up/;

export function pacer(o: PacerOptions): Pacer {
  const interval = 1000 / o.requestsPerSecond;
  let next = 0;
  let requests = 0;
  let throttles = 0;
  // After a throttle the spacing doubles for a while, then relaxes back.
  let slowdown = 1;
  const slot = async () => {
    const t = o.now();
    const at = Math.max(next, t);
    next = at + interval * slowdown;
    if (at > t) await o.sleep(at - t);
  };
  return {
    get requests() { return requests; },
    get throttles() { return throttles; },
    async call<T>(fn: () => Promise<T>): Promise<T> {
      let throttled_ = 0;
      let failed = 0;
      for (;;) {
        await slot();
        requests += 1;
        try {
          const out = await fn();
          slowdown = Math.max(1, slowdown * 0.9);
          return out;
        } catch (err) {
          if (isThrottle(err)) {
            throttles += 1;
            throttled_ += 1;
            slowdown = Math.min(slowdown * 2, 64);
            if (throttled_ > (o.maxThrottleRetries ?? 8)) throw throttled(`Cognito kept throttling: ${errorMessage(err).slice(0, 200)}`);
            await o.sleep(Math.min(200 * 2 ** throttled_, 20_000) * (0.5 + Math.random() / 2));
            continue;
          }
          const name = String((err as { name?: string }).name ?? '');
          if (RETRYABLE.test(name) || RETRYABLE.test(errorMessage(err))) {
            failed += 1;
            if (failed > (o.maxErrorRetries ?? 3)) throw err;
            await o.sleep(500 * 2 ** failed);
            continue;
          }
          throw err;
        }
      }
    },
  };
}

/**
 * Runs `work` on items with up to `concurrency` in flight (each paced by its own calls), in order
 * of start; stops starting new items once `shouldStop()` says so. Returns how many items completed
 * as a prefix (items after the first unfinished one are done again by the next invocation).
 */
export async function forEachConcurrent<T>(
  items: AsyncIterable<T>, concurrency: number, work: (item: T) => Promise<void>, shouldStop: () => boolean,
): Promise<{ completed: number; stopped: boolean }> {
  const inFlight = new Set<Promise<void>>();
  let started = 0;
  let stopped = false;
  let failure: unknown;
  for await (const item of items) {
    if (shouldStop()) { stopped = true; break; }
    if (failure) break;
    const p: Promise<void> = work(item).catch((err) => { failure ??= err; }).finally(() => inFlight.delete(p));
    inFlight.add(p);
    started += 1;
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return { completed: started, stopped };
}

/**
 * How a resumable per-user pass (update, groups) ends one invocation: this invocation's entries
 * (in line order) become one more JSON-lines chunk under `chunkKey`, and the counts add onto the
 * previous state. `done` is false when the step's time ran out before the last row.
 */
export async function finishPass<E extends { line: number }>(deps: EngineDeps, config: EngineConfig, previous: PassState, run: {
  readonly entries: E[];
  readonly chunkKey: string;
  readonly stopped: boolean;
  readonly position: number;
  readonly invocation: number;
  readonly requests: number;
  readonly succeeded: number;
  readonly failed: number;
}): Promise<PassState> {
  const chunks = [...(previous.chunks ?? [])];
  if (run.entries.length > 0) {
    run.entries.sort((a, b) => a.line - b.line);
    await deps.store.putText(config.bucket, run.chunkKey, run.entries.map((e) => JSON.stringify(e)).join('\n') + '\n', 'application/x-ndjson');
    chunks.push(run.chunkKey);
  }
  return {
    done: !run.stopped,
    position: run.position,
    chunks,
    invocations: run.invocation,
    requests: (previous.requests ?? 0) + run.requests,
    succeeded: (previous.succeeded ?? 0) + run.succeeded,
    failed: (previous.failed ?? 0) + run.failed,
  };
}
