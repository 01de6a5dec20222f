/** Small helpers shared by the local cloud's services. */
import { randomBytes } from 'crypto';

/** An AWS error in the JSON 1.0/1.1 protocol shape: `{"__type": code, "message": ...}`. */
export class AwsError extends Error {
  constructor(public readonly code: string, message: string, public readonly status = 400) {
    super(message);
    this.name = code;
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function randomId(length: number, alphabet = ALNUM): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, Math.max(0, ms));
    const onAbort = () => { clearTimeout(t); resolve(); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The emulator's clock: real time plus an offset tests can move forward (URL and job expiry use it). */
export class Clock {
  private offsetMs = 0;
  now(): number { return Date.now() + this.offsetMs; }
  advance(ms: number): void { this.offsetMs += ms; }
}

/** Epoch seconds with milliseconds, as AWS JSON protocols send timestamps. */
export function epochSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

export function requireString(body: Record<string, unknown>, name: string, jsonName: string): string {
  const v = body[name];
  if (typeof v !== 'string' || v.length === 0) {
    throw new AwsError('InvalidParameterException', `1 validation error detected: Value null at '${jsonName}' failed to satisfy constraint: Member must not be null`);
  }
  return v;
}
