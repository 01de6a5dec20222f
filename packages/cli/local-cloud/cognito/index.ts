/**
 * Amazon Cognito user pools subset (AWS JSON 1.1, `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`),
 * laid out like a moto service:
 * - `responses.ts`   routing: operation name → handler (one line per operation);
 * - `operations/`    the operations, one file per group (pools, users, import jobs);
 * - `model.ts`       the backend state (pools, users, jobs, timers), its types and public shapes;
 * - `job-runner.ts`  a started job over time;
 * - `import-rules.ts` how a job processes its CSV (Cognito's dialect and row rules, result lines);
 * - `exceptions.ts`  typed errors;
 * - `behaviour.ts`   the variants for points AWS does not document (`--behaviour FILE`).
 */
export * from './behaviour';
export { splitCognitoLine } from './import-rules';
export { ACTIVE, CognitoBackend, CognitoOptions, CognitoTimings, COMPLETION_MESSAGES, DEFAULT_TIMINGS, ImportJob, JobStatus, User, view } from './model';
export { MAX_JOBS_PER_POOL } from './operations/import-jobs';
export { UPLOAD_PATH } from './presigned-url';
export { handleCognito } from './responses';
