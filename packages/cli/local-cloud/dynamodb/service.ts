/**
 * Amazon DynamoDB subset (AWS JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Op>`): CreateTable,
 * DescribeTable, ListTables, DeleteTable, PutItem, GetItem, UpdateItem, DeleteItem, Query, Scan,
 * DescribeTimeToLive, UpdateTimeToLive. Enough for the import queue and for a real client (the AWS
 * SDK, the AWS CLI, boto3) to read and write its table; items live in memory.
 * Conditional writes are atomic (one request at a time per process), as DynamoDB's are per item.
 */
import { AwsError, epochSeconds } from '../util';
import {
  applyUpdate, AttributeValue, compareValues, compileCondition, ExpressionContext, Item, projectionNames,
} from './expressions';

interface KeyElement { AttributeName: string; KeyType: 'HASH' | 'RANGE' }
interface Table {
  name: string;
  arn: string;
  keySchema: KeyElement[];
  attributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
  billingMode: string;
  createdAt: number;
  ttlAttribute?: string;
  items: Map<string, Item>;
}

/** What the template loader reads from an `AWS::DynamoDB::Table` resource. */
export interface TableDefinition {
  TableName: string;
  KeySchema: KeyElement[];
  AttributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
  BillingMode?: string;
  TimeToLiveSpecification?: { AttributeName?: string; Enabled?: boolean };
}

const notFound = (name: string) => new AwsError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
const invalid = (message: string) => new AwsError('ValidationException', message);
const conditionFailed = () => new AwsError('ConditionalCheckFailedException', 'The conditional request failed');
/** A Query or Scan page stops at 1 MB of items, as DynamoDB's do. */
const PAGE_BYTES = 1024 * 1024;

export class DynamoDbService {
  readonly tables = new Map<string, Table>();

  constructor(private readonly region: string, private readonly accountId: string, private readonly now: () => number) {}

  /** Creates a table (idempotent for the template loader). */
  createTable(def: TableDefinition): void {
    if (this.tables.has(def.TableName)) return;
    this.tables.set(def.TableName, {
      name: def.TableName,
      arn: `arn:aws:dynamodb:${this.region}:${this.accountId}:table/${def.TableName}`,
      keySchema: def.KeySchema,
      attributeDefinitions: def.AttributeDefinitions,
      billingMode: def.BillingMode ?? 'PROVISIONED',
      createdAt: this.now(),
      ttlAttribute: def.TimeToLiveSpecification?.Enabled ? def.TimeToLiveSpecification.AttributeName : undefined,
      items: new Map(),
    });
  }

  handle(op: string, body: Record<string, any>): unknown {
    switch (op) {
      case 'CreateTable': {
        if (this.tables.has(body.TableName)) throw new AwsError('ResourceInUseException', `Table already exists: ${body.TableName}`);
        if (!body.TableName || !Array.isArray(body.KeySchema)) throw invalid('TableName and KeySchema are required');
        this.createTable(body as TableDefinition);
        return { TableDescription: this.describe(this.table(body.TableName)) };
      }
      case 'DescribeTable': return { Table: this.describe(this.table(body.TableName)) };
      case 'ListTables': return { TableNames: [...this.tables.keys()].sort() };
      case 'DeleteTable': {
        const t = this.table(body.TableName);
        this.tables.delete(t.name);
        return { TableDescription: { ...this.describe(t), TableStatus: 'DELETING' } };
      }
      case 'DescribeTimeToLive': {
        const t = this.table(body.TableName);
        return { TimeToLiveDescription: t.ttlAttribute ? { TimeToLiveStatus: 'ENABLED', AttributeName: t.ttlAttribute } : { TimeToLiveStatus: 'DISABLED' } };
      }
      case 'UpdateTimeToLive': {
        const t = this.table(body.TableName);
        const spec = body.TimeToLiveSpecification ?? {};
        t.ttlAttribute = spec.Enabled ? spec.AttributeName : undefined;
        return { TimeToLiveSpecification: spec };
      }
      case 'GetItem': {
        const t = this.table(body.TableName);
        const item = this.live(t, t.items.get(this.keyOf(t, body.Key, true)));
        return item ? { Item: this.project(item, body) } : {};
      }
      case 'PutItem': {
        const t = this.table(body.TableName);
        const k = this.keyOf(t, body.Item, false);
        const old = this.check(t, k, body);
        t.items.set(k, structuredClone(body.Item));
        return body.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
      }
      case 'DeleteItem': {
        const t = this.table(body.TableName);
        const k = this.keyOf(t, body.Key, true);
        const old = this.check(t, k, body);
        t.items.delete(k);
        return body.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
      }
      case 'UpdateItem': return this.update(body);
      case 'Query': return this.read(body, true);
      case 'Scan': return this.read(body, false);
      default: throw new AwsError('UnknownOperationException', `The local cloud's DynamoDB does not implement ${op}.`);
    }
  }

  private table(name: unknown): Table {
    const t = typeof name === 'string' ? this.tables.get(name) : undefined;
    if (!t) throw notFound(String(name));
    return t;
  }

  private describe(t: Table) {
    const items = [...t.items.values()].filter((i) => this.live(t, i));
    return {
      TableName: t.name, TableArn: t.arn, TableId: t.arn, TableStatus: 'ACTIVE',
      KeySchema: t.keySchema, AttributeDefinitions: t.attributeDefinitions,
      BillingModeSummary: { BillingMode: t.billingMode },
      CreationDateTime: epochSeconds(t.createdAt), ItemCount: items.length,
      TableSizeBytes: items.reduce((n, i) => n + JSON.stringify(i).length, 0),
    };
  }

  /** TTL: DynamoDB deletes expired items lazily; the local cloud hides them at once. */
  private live(t: Table, item: Item | undefined): Item | undefined {
    if (!item || !t.ttlAttribute) return item;
    const n = item[t.ttlAttribute]?.N;
    return n !== undefined && Number(n) * 1000 < this.now() ? undefined : item;
  }

  private keyOf(t: Table, source: Item | undefined, exact: boolean): string {
    if (!source || typeof source !== 'object') throw invalid('The provided key element does not match the schema');
    const parts = t.keySchema.map((k) => {
      const v = source[k.AttributeName];
      const type = t.attributeDefinitions.find((d) => d.AttributeName === k.AttributeName)?.AttributeType ?? 'S';
      if (!v || v[type] === undefined) throw invalid('One or more parameter values were invalid: Missing the key ' + k.AttributeName + ' in the item');
      return [type, v[type]];
    });
    if (exact && Object.keys(source).length !== t.keySchema.length) throw invalid('The provided key element does not match the schema');
    return JSON.stringify(parts);
  }

  private ctx(body: Record<string, any>): ExpressionContext {
    return { names: body.ExpressionAttributeNames, values: body.ExpressionAttributeValues };
  }

  /** Evaluates ConditionExpression against the current item; returns the current item (live) or undefined. */
  private check(t: Table, k: string, body: Record<string, any>): Item | undefined {
    const old = this.live(t, t.items.get(k));
    if (body.ConditionExpression) {
      const ok = compileCondition(body.ConditionExpression, this.ctx(body))(old ?? {});
      if (!ok) throw conditionFailed();
    }
    return old ? structuredClone(old) : undefined;
  }

  private update(body: Record<string, any>): unknown {
    const t = this.table(body.TableName);
    const k = this.keyOf(t, body.Key, true);
    const old = this.check(t, k, body);
    const base: Item = old ?? structuredClone(body.Key);
    const { item, changed } = body.UpdateExpression ? applyUpdate(body.UpdateExpression, this.ctx(body), base) : { item: base, changed: [] };
    for (const key of t.keySchema) {
      if (changed.includes(key.AttributeName)) throw invalid(`Cannot update attribute ${key.AttributeName}. This attribute is part of the key`);
    }
    t.items.set(k, item);
    switch (body.ReturnValues) {
      case 'ALL_NEW': return { Attributes: item };
      case 'ALL_OLD': return old ? { Attributes: old } : {};
      case 'UPDATED_NEW': return { Attributes: pick(item, changed) };
      case 'UPDATED_OLD': return old ? { Attributes: pick(old, changed) } : {};
      default: return {};
    }
  }

  private read(body: Record<string, any>, query: boolean): unknown {
    const t = this.table(body.TableName);
    if (body.IndexName) throw invalid('The local cloud\'s DynamoDB has no secondary indexes');
    const ctx = this.ctx(body);
    const hash = t.keySchema.find((k) => k.KeyType === 'HASH')!.AttributeName;
    const range = t.keySchema.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    let items = [...t.items.values()].filter((i) => this.live(t, i));
    if (query) {
      if (!body.KeyConditionExpression) throw invalid('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
      const keyCond = compileCondition(body.KeyConditionExpression, ctx);
      items = items.filter(keyCond);
      if (new Set(items.map((i) => JSON.stringify(i[hash]))).size > 1) throw invalid('Query key condition not supported: it must name one partition key value');
    }
    const order = (a: Item, b: Item) => (range ? compareValues(a[range], b[range]) ?? 0 : 0);
    items.sort((a, b) => (query && body.ScanIndexForward === false ? -order(a, b) : order(a, b)) || JSON.stringify(a[hash]).localeCompare(JSON.stringify(b[hash])));
    if (body.ExclusiveStartKey) {
      const after = this.keyOf(t, body.ExclusiveStartKey, false);
      const at = items.findIndex((i) => this.keyOf(t, i, false) === after);
      items = at >= 0 ? items.slice(at + 1) : items.filter((i) => (order(i, body.ExclusiveStartKey) * (body.ScanIndexForward === false ? -1 : 1)) > 0);
    }
    // Limit and the 1 MB page apply before the filter, as in DynamoDB.
    const limit = Number.isInteger(body.Limit) && body.Limit > 0 ? body.Limit : Infinity;
    const page: Item[] = [];
    let bytes = 0;
    for (const i of items) {
      if (page.length >= limit || bytes >= PAGE_BYTES) break;
      page.push(i);
      bytes += JSON.stringify(i).length;
    }
    const more = page.length < items.length;
    const filter = body.FilterExpression ? compileCondition(body.FilterExpression, ctx) : () => true;
    const matched = page.filter(filter);
    const last = page[page.length - 1];
    const out: Record<string, unknown> = { Count: matched.length, ScannedCount: page.length };
    if (body.Select !== 'COUNT') out.Items = matched.map((i) => this.project(i, body));
    if (more && last) out.LastEvaluatedKey = pick(last, t.keySchema.map((k) => k.AttributeName));
    return out;
  }

  private project(item: Item, body: Record<string, any>): Item {
    if (!body.ProjectionExpression) return structuredClone(item);
    return structuredClone(pick(item, projectionNames(body.ProjectionExpression, this.ctx(body))));
  }
}

function pick(item: Item, names: string[]): Item {
  const out: Item = {};
  for (const n of names) if (item[n] !== undefined) out[n] = item[n] as AttributeValue;
  return out;
}
