import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { LOOKUP_SAMPLE_CONFIDENCE } from '../shared/defaults';
import type { LookupSample } from '../shared/report';
import type { ValidateOutput } from '../shared/steps';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { errorName } from '../runtime/errors';
import { readPartRows } from '../csv/part-rows';
import { forEachConcurrent, Pacer } from './paced-calls';

/**
 * The lookup's first move in a big pool: a random sample of the file's rows, looked up one by one.
 * Most files are migrations of users the pool does not have; when the sample finds none of them,
 * the full lookup (hours at the paced rates in a pool of millions) is skipped and Cognito skips the
 * few existing users it may meet (SKIPPED lines, mapped as always).
 */

/** AdminGetUser calls in flight at once (the pacer keeps the rate). */
const SAMPLE_CONCURRENCY = 8;

/**
 * Upper bound, at `confidence`, on the share of rows whose user exists when `n` rows drawn at
 * random (without replacement) had none: the largest p with (1 - p)^n ≥ 1 - confidence (the
 * exact binomial bound; drawing without replacement only tightens it). ≈ 3/n at 95%.
 */
export function existingShareBound(n: number, confidence = LOOKUP_SAMPLE_CONFIDENCE): number {
  if (n <= 0) return 1;
  return 1 - Math.pow(1 - confidence, 1 / n);
}

/**
 * Whether to look up a sample first: only with existingUsers SKIP (UPDATE must find every existing
 * row to update it), and only when the full lookup would take longer than the sample does.
 */
export function shouldSample(rows: number, fullSeconds: number, sampleRows: number, readRps: number, existingUsers: EngineConfig['existingUsers']): boolean {
  return existingUsers !== 'UPDATE' && sampleRows > 0 && rows > sampleRows && fullSeconds > sampleRows / readRps;
}

/**
 * `n` distinct indices in [0, total), sorted, drawn by a generator seeded with `seed` (the work
 * prefix: a retried step draws the same rows). Floyd's algorithm: n draws, whatever `total`.
 */
export function sampleIndices(total: number, n: number, seed: string): number[] {
  const random = mulberry32(fnv1a(seed));
  const picked = new Set<number>();
  for (let j = total - Math.min(n, total); j < total; j++) {
    const t = Math.floor(random() * (j + 1));
    picked.add(picked.has(t) ? j : t);
  }
  return [...picked].sort((a, b) => a - b);
}

/** Looks up the sampled rows (paced by `read`); counts those whose user exists. */
export async function lookUpSample(
  deps: EngineDeps, config: EngineConfig, validation: ValidateOutput, sampleRows: number, read: Pacer,
): Promise<LookupSample> {
  const total = validation.parts.reduce((n, p) => n + p.rows, 0);
  const wanted = sampleIndices(total, sampleRows, validation.workPrefix);
  let found = 0;
  async function* usernames(): AsyncGenerator<string> {
    let at = 0; // index into `wanted`
    let before = 0; // rows of the parts already read
    for (const part of validation.parts) {
      if (at >= wanted.length) return;
      if (wanted[at] >= before + part.rows) { before += part.rows; continue; }
      const { rows } = await readPartRows(deps, config, part);
      for await (const r of rows) {
        if (at >= wanted.length || wanted[at] >= before + part.rows) break;
        if (before + r.index === wanted[at]) { at += 1; yield r.username; }
      }
      before += part.rows;
    }
  }
  await forEachConcurrent(usernames(), SAMPLE_CONCURRENCY, async (username) => {
    try {
      await read.call(() => deps.cognito.send(new AdminGetUserCommand({ UserPoolId: config.userPoolId, Username: username })));
      found += 1;
    } catch (err) {
      if (errorName(err) !== 'UserNotFoundException') throw err;
    }
  }, () => false);
  const rows = wanted.length;
  return found === 0
    ? { rows, of: total, found, existingShareBound: existingShareBound(rows), confidence: LOOKUP_SAMPLE_CONFIDENCE }
    : { rows, of: total, found };
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A small seeded generator of floats in [0, 1) (mulberry32): the sample needs spread, not secrecy. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
