/**
 * Amazon DynamoDB (AWS JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Op>`), served by dynalite with its
 * in-memory store: a maintained emulator of DynamoDB's expressions, conditional writes and paging, instead
 * of a home-made one. dynalite never listens on a port of its own: the local cloud's server (its host check
 * included) hands it each DynamoDB request in-process.
 */
import { IncomingMessage, Server, ServerResponse } from 'http';
import { Socket } from 'net';
import { AttributeDefinition, CreateTableCommand, DynamoDBClient, KeySchemaElement, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { readBody } from './server';

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

export class DynamoDbService {
  private readonly dynalite = createDynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  private readonly created = new Map<string, TableDefinition>();
  private stopped = false;

  /** The tables the template declared, by name (created at start). */
  get tables(): ReadonlyMap<string, TableDefinition> { return this.created; }

  /**
   * Creates the template's tables (as the deployment would have), through a real client at the local cloud's
   * endpoint. dynalite does not emulate TTL: the queue's items expire only on AWS.
   */
  async createTables(endpoint: string, region: string, defs: readonly TableDefinition[]): Promise<void> {
    const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'LOCALCLOUD', secretAccessKey: 'LOCALCLOUD' } });
    try {
      for (const def of defs) {
        if (this.created.has(def.TableName)) continue;
        await client.send(new CreateTableCommand({
          TableName: def.TableName, KeySchema: def.KeySchema, AttributeDefinitions: def.AttributeDefinitions,
          BillingMode: def.BillingMode === 'PROVISIONED' ? 'PROVISIONED' : 'PAY_PER_REQUEST',
          ...(def.BillingMode === 'PROVISIONED' ? { ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } : {}),
        }));
        await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.05 }, { TableName: def.TableName });
        this.created.set(def.TableName, def);
      }
    } finally {
      client.destroy();
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
    this.dynalite.emit('request', replay(req.method ?? 'POST', req.url ?? '/', req.headers, body), res);
  }

  /** Requests after this are refused; the in-memory store goes with the object (dynalite holds no handle). */
  stop(): void { this.stopped = true; }
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
