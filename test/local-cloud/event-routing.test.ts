/**
 * The local cloud follows the path the construct ships: a bucket it creates sends its events to
 * EventBridge (set on the bucket), and the importer's rule (prefix and suffix, as a wildcard on the
 * URL-encoded key) invokes the import function with S3's "Object Created" event. No notification
 * custom resource is left to route. The pattern matcher evaluates what rules use, and nothing else.
 */
import { matchesPattern } from '../../packages/cli/local-cloud/services/event-pattern';
import { Faults } from '../../packages/cli/local-cloud/faults';
import { routeToEventBridge } from '../../packages/cli/local-cloud/s3/s3-notifications';
import { resolveTemplate, synthesizeTemplate, SynthOptions } from '../../packages/cli/local-cloud/template';
import { recordsOf } from '../../lambda/runtime/trigger';

const opts: SynthOptions = { poolId: 'eu-west-1_Local', region: 'eu-west-1', accountId: '000000000000', bucketName: 'drop-bucket' };

describe('the synthesized app', () => {
  const template = synthesizeTemplate(opts);
  const app = resolveTemplate(template, opts);
  const importFunction = app.functions.find((f) => f.asset === 'trigger')!;

  test('the created bucket sends to EventBridge and one rule targets the import function; nothing is left as a notification', () => {
    expect(app.eventBridgeBuckets).toEqual(['drop-bucket']);
    expect(app.notifications).toEqual([]);
    expect(app.eventRules).toHaveLength(1);
    expect(app.eventRules[0].functionArns).toEqual([importFunction.arn]);
  });

  const deliveries = (key: string, eventName = 'ObjectCreated:Put', faults = new Faults()) => {
    const out: Array<{ arn: string; event: any }> = [];
    const record = { eventName, s3: { bucket: { name: 'drop-bucket' }, object: { key, size: 12, eTag: 'abc', versionId: 'v1' } } };
    routeToEventBridge(record, { buckets: app.eventBridgeBuckets, rules: app.eventRules, accountId: opts.accountId }, opts.region, faults,
      (arn, event) => out.push({ arn, event }));
    return out;
  };

  test('a CSV created under incoming/ reaches the import function once, in the shape the trigger reads (key URL-encoded)', () => {
    const out = deliveries('incoming/new users.csv');
    expect(out.map((d) => d.arn)).toEqual([importFunction.arn]);
    expect(out[0].event).toMatchObject({ 'source': 'aws.s3', 'detail-type': 'Object Created', 'detail': { bucket: { name: 'drop-bucket' }, object: { 'key': 'incoming/new+users.csv', 'version-id': 'v1', 'etag': 'abc' } } });
    expect(recordsOf(out[0].event).map((r) => r.s3)).toEqual([{ bucket: { name: 'drop-bucket' }, object: { key: 'incoming/new+users.csv', versionId: 'v1', eTag: 'abc', size: 12 } }]);
  });

  test('other prefixes, other suffixes, deletions and other buckets reach nothing', () => {
    expect(deliveries('reports/incoming/x.csv')).toEqual([]);
    expect(deliveries('incoming/users.csv.json')).toEqual([]);
    expect(deliveries('incoming/users.csv', 'ObjectRemoved:Delete')).toEqual([]);
    const out: unknown[] = [];
    routeToEventBridge({ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'other' }, object: { key: 'incoming/a.csv' } } },
      { buckets: app.eventBridgeBuckets, rules: app.eventRules, accountId: opts.accountId }, opts.region, new Faults(), (a) => out.push(a));
    expect(out).toEqual([]);
  });

  test('duplicate delivery faults apply to EventBridge delivery too (at least once)', () => {
    const faults = new Faults().duplicateS3Events(3);
    expect(deliveries('incoming/a.csv', 'ObjectCreated:Put', faults)).toHaveLength(3);
    expect(faults.fired('duplicateS3Event')).toBe(2);
  });
});

describe('event patterns', () => {
  const event = { 'source': 'aws.s3', 'detail-type': 'Object Created', 'resources': ['arn:a', 'arn:b'], 'detail': { object: { key: 'in*coming/a b.csv' } } };

  test.each<[string, unknown, boolean]>([
    ['exact values', { 'source': ['aws.s3'], 'detail-type': ['Object Created'] }, true],
    ['a value not listed', { source: ['aws.events'] }, false],
    ['an array in the event matches when one element does', { resources: ['arn:b'] }, true],
    ['prefix', { detail: { object: { key: [{ prefix: 'in*coming/' }] } } }, true],
    ['suffix', { detail: { object: { key: [{ suffix: '.CSV' }] } } }, false],
    ['wildcard with an escaped star', { detail: { object: { key: [{ wildcard: 'in\\*coming/*.csv' }] } } }, true],
    ['the escaped star is literal', { detail: { object: { key: [{ wildcard: 'in\\*x/*.csv' }] } } }, false],
    ['exists', { detail: { object: { size: [{ exists: false }] } } }, true],
    ['anything-but', { source: [{ 'anything-but': ['aws.s3'] }] }, false],
    ['a nested field the event lacks', { detail: { bucket: { name: ['x'] } } }, false],
    ['an operator not known here matches nothing', { source: [{ 'equals-ignore-case': 'AWS.S3' }] }, false],
  ])('%s', (_name, pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });
});
