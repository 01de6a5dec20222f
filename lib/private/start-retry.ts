import { Duration } from 'aws-cdk-lib';
import { LONGEST_START_PAUSE_SECONDS } from '../../lambda/shared/defaults';

// The workflow's Start step retries for as long as another import job is active in the account (or
// Cognito throttles): pauses double from the first to the longest, with full jitter. The queue's
// lease rule depends on the longest pause, so both read it from here.

/** First pause of Start's long retries. */
export const FIRST_START_PAUSE = Duration.seconds(30);

/** The longest pause between two Start attempts (the long retry's cap). */
export const LONGEST_START_PAUSE = Duration.seconds(LONGEST_START_PAUSE_SECONDS);

/**
 * How many attempts the long retry needs so that its expected total wait (full jitter halves
 * each pause on average) reaches `maxWaitSeconds`.
 */
export function longRetryAttempts(maxWaitSeconds: number): number {
  const first = FIRST_START_PAUSE.toSeconds();
  const longest = LONGEST_START_PAUSE.toSeconds();
  let attempts = 0;
  let expected = 0;
  while (expected < maxWaitSeconds) {
    const pause = Math.min(first * 2 ** attempts, longest);
    expected += pause / 2;
    attempts += 1;
  }
  return Math.max(attempts, 1);
}
