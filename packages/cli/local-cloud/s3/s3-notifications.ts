/**
 * S3 bucket notifications: an object event that matches a notification becomes an S3 event for its
 * function; in a bucket with EventBridge delivery on, an object created becomes S3's "Object Created"
 * event on the default bus, for the functions of every rule it matches.
 */
import { randomUUID } from 'crypto';
import { matchesPattern } from '../services/event-pattern';
import { Faults } from '../faults';
import { S3rverEventRecord } from './s3rver-adapter';
import { LocalEventRule, LocalNotification } from '../template';

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

/** Where S3 sends a bucket's events through EventBridge: the buckets that have it on, and the default bus's rules. */
export interface EventBridgeRouting {
  readonly buckets: readonly string[];
  readonly rules: readonly LocalEventRule[];
  readonly accountId: string;
}

/**
 * Delivers an object-created `record` of an EventBridge-enabled bucket as S3 does: one "Object Created"
 * event (the key URL-encoded, as in notifications), to the functions of every matching rule, as
 * asynchronous invocations, as many times as the faults say (EventBridge delivers at least once).
 */
export function routeToEventBridge(record: S3rverEventRecord, routing: EventBridgeRouting, region: string, faults: Faults,
  deliver: (functionArn: string, event: unknown) => void): void {
  const bucket = record.s3.bucket.name;
  if (!routing.buckets.includes(bucket) || !(record.eventName ?? '').startsWith('ObjectCreated:')) return;
  const o = record.s3.object;
  const event = {
    'version': '0',
    'id': randomUUID(),
    'detail-type': 'Object Created',
    'source': 'aws.s3',
    'account': routing.accountId,
    'time': new Date().toISOString(),
    'region': region,
    'resources': [`arn:aws:s3:::${bucket}`],
    'detail': {
      'version': '0',
      'bucket': { name: bucket },
      'object': {
        'key': encodeEventKey(o.key ?? ''),
        ...(o.size !== undefined ? { size: o.size } : {}),
        ...(o.eTag !== undefined ? { etag: o.eTag } : {}),
        ...(o.versionId ? { 'version-id': o.versionId } : {}),
        ...(o.sequencer !== undefined ? { sequencer: o.sequencer } : {}),
      },
      'request-id': 'local',
      'requester': routing.accountId,
      'reason': String(record.eventName).slice('ObjectCreated:'.length) === 'Copy' ? 'CopyObject' : 'PutObject',
    },
  };
  for (const rule of routing.rules) {
    if (!matchesPattern(rule.pattern, event)) continue;
    for (const arn of rule.functionArns) {
      for (let i = 0, times = faults.s3EventDeliveryCount(); i < times; i++) deliver(arn, JSON.parse(JSON.stringify(event)));
    }
  }
}
