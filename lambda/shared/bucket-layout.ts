/** Where the importer's bucket keeps what it writes besides the prefixes (lib/ and the handlers share these). */

/**
 * Tag on every object that holds rows of a user's file outside the work prefix (the failed rows
 * under the report prefix): the bucket's lifecycle expires objects carrying it after `dataRetention`.
 */
export const USER_ROWS_TAG = { key: 'cognito-user-import:contents', value: 'user-rows' } as const;
/** Folder (under the report prefix) of reports whose natural key would be too long for S3. */
export const BOUNDED_REPORT_FOLDER = '_rejected/';
/** Folder (under the work prefix) where deployments put their copy of the source CSV. */
export const DEPLOYMENT_COPY_FOLDER = 'deployments/';
