/** The EventBridge events the importer sends (lib/ matches them in rules; the worker sends them). */

export const EVENT_SOURCE = 'cdk-cognito-user-import';
/** Detail-type of the event emitted once per dropped file, whatever its outcome. */
export const EVENT_DETAIL_TYPE = 'Cognito User Import Completed';
/** Detail-type of the event sent when a file joins the import queue. */
export const QUEUED_DETAIL_TYPE = 'Cognito User Import Queued';
