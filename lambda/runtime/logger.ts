/**
 * The few logger methods engine modules use. Powertools' Logger satisfies it; tests pass a recorder.
 * Callers put only usernames, line numbers, counts, job ids and keys in `extra` — never attribute
 * values, emails, phone numbers or pre-signed URLs.
 */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export const silentLog: Log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
