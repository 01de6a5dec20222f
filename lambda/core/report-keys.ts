/**
 * Where the report of a dropped object goes (docs/COGNITO.md#report-format): the worker writes
 * these keys, the deployment handlers read them. One place, so the two never drift.
 */
export const reportKeyFor = (reportPrefix: string, key: string) => `${reportPrefix}${key}.json`;
export const failedCsvKeyFor = (reportPrefix: string, key: string) => `${reportPrefix}${key}.failed.csv`;
