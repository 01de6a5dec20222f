/**
 * The completion event every dropped file ends with, one per file whatever its outcome
 * (`importer.onImportCompleted()` matches it). The worker sends the same values: a test keeps
 * them equal to the handler contract.
 */
export const EVENT_SOURCE = 'cdk-cognito-user-import';
export const EVENT_DETAIL_TYPE = 'Cognito User Import Completed';
