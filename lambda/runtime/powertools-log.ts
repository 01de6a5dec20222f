import type { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from './logger';

/** Adapts Powertools' Logger (variadic extras) to the narrow Log engine modules use. */
export function powertoolsLog(logger: Logger): Log {
  const wrap = (fn: (m: string, ...x: [Record<string, unknown>]) => void) =>
    (message: string, extra?: Record<string, unknown>) => (extra ? fn(message, extra) : (fn as (m: string) => void)(message));
  return {
    debug: wrap(logger.debug.bind(logger) as never),
    info: wrap(logger.info.bind(logger) as never),
    warn: wrap(logger.warn.bind(logger) as never),
    error: wrap(logger.error.bind(logger) as never),
  };
}
