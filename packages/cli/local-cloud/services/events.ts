/** EventBridge subset (AWS JSON 1.1, target prefix `AWSEvents.`): PutEvents, recorded. */
import { EventEmitter } from 'events';
import { AwsError, randomId } from '../util';

export interface RecordedEvent {
  id: string;
  time: string;
  source: string;
  detailType: string;
  detail: unknown;
  eventBusName: string;
  resources: string[];
}

export class EventsService extends EventEmitter {
  readonly recorded: RecordedEvent[] = [];

  handle(op: string, body: Record<string, any>): unknown {
    if (op !== 'PutEvents') throw new AwsError('UnknownOperationException', `Operation ${op} is not supported by the local cloud.`);
    const entries: any[] = Array.isArray(body.Entries) ? body.Entries : [];
    if (entries.length < 1 || entries.length > 10) throw new AwsError('ValidationException', 'Entries must hold 1 to 10 entries.');
    const results = entries.map((e) => {
      if (!e.Source || !e.DetailType || typeof e.Detail !== 'string') {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required.' };
      }
      let detail: unknown;
      try { detail = JSON.parse(e.Detail); } catch { return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }; }
      const ev: RecordedEvent = {
        id: `${randomId(8).toLowerCase()}-${randomId(4).toLowerCase()}-${randomId(4).toLowerCase()}`,
        time: new Date(typeof e.Time === 'number' ? e.Time * 1000 : Date.now()).toISOString(),
        source: e.Source,
        detailType: e.DetailType,
        detail,
        eventBusName: e.EventBusName ?? 'default',
        resources: e.Resources ?? [],
      };
      this.recorded.push(ev);
      this.emit('event', ev);
      return { EventId: ev.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }
}
