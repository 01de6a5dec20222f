/**
 * Amazon DynamoDB (AWS JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Op>`), served by dynalite with its
 * in-memory store: a maintained emulator of DynamoDB's expressions, conditional writes and paging, instead
 * of a home-made one. dynalite never listens on a port of its own: the local cloud's server (its host check
 * included) hands it each DynamoDB request in-process.
 *
 * dynalite has no UpdateTimeToLive and always describes TTL as DISABLED; the TTL setting (not expiry: DynamoDB
 * deletes expired items within days, and nothing here waits that long) is kept here, as the template and
 * clients set it.
 */
import { IncomingMessage, Server, ServerResponse } from 'http';
import { Socket } from 'net';
import {
  AttributeDefinition, CreateTableCommand, DescribeTableCommand, DynamoDBClient, KeySchemaElement, waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { readBody } from '../server/server';
import { AwsError } from '../util';

/** What the template loader reads from an `AWS::DynamoDB::Table` resource. */
export interface TableDefinition {
  TableName: string;
  KeySchema: KeySchemaElement[];
  AttributeDefinitions: AttributeDefinition[];
  BillingMode?: string;
  TimeToLiveSpecification?: { AttributeName?: string; Enabled?: boolean };
}

/** The dynalite options the local cloud sets (dynalite ships no TypeScript types). */
interface DynaliteOptions {
  /** Time a table stays CREATING / DELETING / UPDATING: 0 makes a new table usable at once, as tests expect. */
  readonly createTableMs: number;
  readonly deleteTableMs: number;
  readonly updateTableMs: number;
}
// dynalite's entry point: a function returning its (not yet listening) http.Server.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createDynalite: (options: DynaliteOptions) => Server = require('dynalite');

const TTL_TARGETS = new Set(['DynamoDB_20120810.DescribeTimeToLive', 'DynamoDB_20120810.UpdateTimeToLive']);

export class DynamoDbService {
  private readonly dynalite = createDynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  private readonly created = new Map<string, TableDefinition>();
  /** Table name → its TTL attribute, when TTL is enabled. */
  private readonly ttl = new Map<string, string>();
  /** A client of dynalite through the local cloud's own port (table creation, table checks). */
  private readonly client: DynamoDBClient;
  private stopped = false;

  /** `endpoint`: the local cloud's, already listening. */
  constructor(endpoint: string, region: string) {
    this.client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'LOCALCLOUD', secretAccessKey: 'LOCALCLOUD' } });
  }

  /** The tables the template declared, by name (created at start). */
  get tables(): ReadonlyMap<string, TableDefinition> { return this.created; }

  /** Creates the template's tables, as the deployment would have, through the local cloud's port. */
  async createTables(defs: readonly TableDefinition[]): Promise<void> {
    for (const def of defs) {
      if (this.created.has(def.TableName)) continue;
      await this.client.send(new CreateTableCommand({
        TableName: def.TableName, KeySchema: def.KeySchema, AttributeDefinitions: def.AttributeDefinitions,
        BillingMode: def.BillingMode === 'PROVISIONED' ? 'PROVISIONED' : 'PAY_PER_REQUEST',
        ...(def.BillingMode === 'PROVISIONED' ? { ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } : {}),
      }));
      await waitUntilTableExists({ client: this.client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.05 }, { TableName: def.TableName });
      const spec = def.TimeToLiveSpecification;
      if (spec?.Enabled && spec.AttributeName) this.ttl.set(def.TableName, spec.AttributeName);
      this.created.set(def.TableName, def);
    }
  }

  /** Answers one `DynamoDB_20120810.*` request the server routed here (its body not yet read). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The body is read here, not by dynalite: its reader rethrows a client's aborted upload as an uncaught error.
    let body: Buffer;
    try { body = await readBody(req); } catch { req.socket.destroy(); return; }
    if (this.stopped) {
      res.writeHead(503, { 'Content-Length': 0 });
      res.end();
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (TTL_TARGETS.has(target)) return this.timeToLive(target, body, res);
    this.dynalite.emit('request', replay(req.method ?? 'POST', req.url ?? '/', req.headers, body), res);
  }

  /** DescribeTimeToLive / UpdateTimeToLive of an existing table (dynalite says whether it exists). */
  private async timeToLive(target: string, raw: Buffer, res: ServerResponse): Promise<void> {
    const contentType = String(res.req.headers['content-type'] ?? 'application/x-amz-json-1.0').split(';')[0];
    const answer = (status: number, value: unknown) => {
      const out = JSON.stringify(value);
      res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(out) });
      res.end(out);
    };
    try {
      let body: { TableName?: unknown; TimeToLiveSpecification?: { AttributeName?: unknown; Enabled?: unknown } };
      try { body = JSON.parse(raw.toString('utf8')); } catch { throw new AwsError('SerializationException', 'The request body is not valid JSON.'); }
      const table = typeof body.TableName === 'string' ? body.TableName : '';
      await this.client.send(new DescribeTableCommand({ TableName: table }));
      if (target.endsWith('.DescribeTimeToLive')) {
        const attribute = this.ttl.get(table);
        return answer(200, { TimeToLiveDescription: attribute ? { TimeToLiveStatus: 'ENABLED', AttributeName: attribute } : { TimeToLiveStatus: 'DISABLED' } });
      }
      const spec = body.TimeToLiveSpecification ?? {};
      if (spec.Enabled === true && typeof spec.AttributeName === 'string') this.ttl.set(table, spec.AttributeName);
      else this.ttl.delete(table);
      return answer(200, { TimeToLiveSpecification: spec });
    } catch (e) {
      const name = e instanceof Error ? e.name : 'InternalServerError';
      const message = e instanceof Error ? e.message : String(e);
      return answer(400, { __type: `com.amazonaws.dynamodb.v20120810#${name}`, message });
    }
  }

  /** Requests after this are refused; the in-memory store goes with the object (dynalite holds no handle). */
  stop(): void {
    this.stopped = true;
    this.client.destroy();
  }
}

/** A request carrying an already-read body, for dynalite's request listener. */
function replay(method: string, url: string, headers: IncomingMessage['headers'], body: Buffer): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.url = url;
  req.headers = headers;
  req.push(body);
  req.push(null);
  return req;
}
