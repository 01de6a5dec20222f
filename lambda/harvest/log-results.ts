/** One result line Cognito writes per user: `[SUCCEEDED|SKIPPED|FAILED] Line Number N - message`. */
export interface LogResult {
  readonly outcome: 'SUCCEEDED' | 'SKIPPED' | 'FAILED';
  /** Line in the uploaded part (header = 1). */
  readonly line: number;
  readonly message: string;
}

const RESULT = /^\s*\[(SUCCEEDED|SKIPPED|FAILED)\]\s*Line Number\s*(\d+)\s*[-:]?\s*(.*)$/is;

export function parseLogResult(message: string): LogResult | undefined {
  const m = RESULT.exec(message);
  if (!m) return undefined;
  return { outcome: m[1].toUpperCase() as LogResult['outcome'], line: Number(m[2]), message: m[3].trim() };
}

/** Cognito's log group and stream for one job. */
export const logGroupName = (poolId: string, poolName: string) => `/aws/cognito/userpools/${poolId}/${poolName}`;
export const logStreamName = (jobId: string, jobName: string) => `${jobId}/${jobName}`;
