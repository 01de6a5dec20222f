/** S3 bucket notifications: an object event that matches a notification becomes an S3 event for its function. */
import { Faults } from './faults';
import { S3rverEventRecord } from './s3rver-adapter';
import { LocalNotification } from './template';

/** AWS URL-encodes keys in S3 event notifications (spaces as '+'). */
export function encodeEventKey(key: string): string {
  return key.split('/').map((s) => encodeURIComponent(s).replace(/%20/g, '+')).join('/');
}

function matches(n: LocalNotification, bucket: string, key: string, eventName: string): boolean {
  if (n.bucket !== bucket || !key.startsWith(n.prefix) || !key.endsWith(n.suffix)) return false;
  const name = `s3:${eventName}`;
  return n.events.some((e) => e === name || (e.endsWith(':*') && name.startsWith(e.slice(0, -1))));
}

let lastSequencer = 0;
/**
 * S3's `sequencer`: hex that orders the events of one key (a later write has a greater one). s3rver gives
 * the millisecond, which two quick writes of one key can share: strictly increasing here, as S3's.
 */
export function nextSequencer(): string {
  lastSequencer = Math.max(Date.now() * 1000, lastSequencer + 1);
  return lastSequencer.toString(16).toUpperCase().padStart(16, '0');
}

/**
 * Delivers `record` to every matching notification's function, as S3 does: an asynchronous invocation
 * (`deliver`), the event in AWS's shape, as many times as the faults say (S3 delivers at least once).
 */
export function notify(record: S3rverEventRecord, notifications: readonly LocalNotification[], region: string, faults: Faults,
  deliver: (functionArn: string, event: unknown) => void): void {
  const bucket = record.s3.bucket.name;
  const key = record.s3.object.key ?? '';
  const sequencer = nextSequencer();
  for (const n of notifications) {
    if (!matches(n, bucket, key, record.eventName ?? '')) continue;
    const event = {
      Records: [{
        ...record,
        awsRegion: region,
        eventSource: 'aws:s3',
        eventVersion: '2.1',
        s3: { ...record.s3, configurationId: 'local', bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${bucket}` }, object: { ...record.s3.object, key: encodeEventKey(key), sequencer } },
      }],
    };
    for (let i = 0, times = faults.s3EventDeliveryCount(); i < times; i++) deliver(n.functionArn, JSON.parse(JSON.stringify(event)));
  }
}
