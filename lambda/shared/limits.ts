/**
 * Cognito's limits on one import job. A part (one job's CSV) never exceeds them; they are also the
 * importer's defaults (`maxUsersPerJob`), which may only lower them.
 */

/** Users per import job (and per part). */
export const DEFAULT_MAX_ROWS_PER_PART = 500_000;
/** Cognito's "100 MB" upload limit, read as 10^8 bytes: parts of 100.0–104.9 MB could be refused otherwise. */
export const DEFAULT_MAX_BYTES_PER_PART = 100_000_000;
