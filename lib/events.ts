import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../lambda/shared/events';

/**
 * The EventBridge event every dropped file ends with: exactly one per file, whatever its outcome.
 *
 * `importer.onImportCompleted()` matches it for you; use these values to write your own rule
 * (for example on another event bus, or across importers). The worker sends the same values: both
 * come from the handler contract.
 */
export class ImportCompletedEvent {
  /** The event's `source`. */
  public static readonly SOURCE: string = EVENT_SOURCE;

  /** The event's `detail-type`. */
  public static readonly DETAIL_TYPE: string = EVENT_DETAIL_TYPE;

  private constructor() {}
}
