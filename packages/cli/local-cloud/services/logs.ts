/** CloudWatch Logs subset (AWS JSON 1.1, target prefix `Logs_20140328.`). */
import { AwsError } from '../util';

export interface LogEvent { timestamp: number; message: string; ingestionTime: number; eventId: string; visibleAt?: number }
interface LogStream { name: string; createdAt: number; events: LogEvent[] }
interface LogGroup { name: string; createdAt: number; streams: Map<string, LogStream> }

const DEFAULT_PAGE = 10_000;

export class LogsService {
  private readonly groups = new Map<string, LogGroup>();
  private seq = 0;
  /**
   * @param emptyPages when it answers true, GetLogEvents answers an empty page with a fresh forward token
   * before each page that holds events (AWS documents that empty pages do not mean the end).
   */
  constructor(private readonly now: () => number, private readonly accountId: string, private readonly region: string,
    private readonly emptyPages: () => boolean = () => false) {}

  /**
   * Appends messages to a stream, creating group and stream as needed (what Cognito does with its role).
   * `delayMs`: the events become readable only this long after now (late CloudWatch delivery).
   */
  append(group: string, stream: string, messages: string[], delayMs = 0): void {
    const s = this.ensureStream(group, stream);
    const t = this.now();
    const visibleAt = delayMs > 0 ? t + delayMs : undefined;
    for (const message of messages) s.events.push({ timestamp: t, message, ingestionTime: t, eventId: String(++this.seq).padStart(20, '0'), visibleAt });
  }

  /** The events a reader can see now (late ones hidden until their time). */
  private visible(events: LogEvent[]): LogEvent[] {
    const t = this.now();
    return events.some((e) => e.visibleAt !== undefined) ? events.filter((e) => e.visibleAt === undefined || e.visibleAt <= t) : events;
  }

  /** All messages of a stream (tests). */
  messages(group: string, stream: string): string[] {
    return this.groups.get(group)?.streams.get(stream)?.events.map((e) => e.message) ?? [];
  }

  private ensureStream(group: string, stream: string): LogStream {
    let g = this.groups.get(group);
    if (!g) { g = { name: group, createdAt: this.now(), streams: new Map() }; this.groups.set(group, g); }
    let s = g.streams.get(stream);
    if (!s) { s = { name: stream, createdAt: this.now(), events: [] }; g.streams.set(stream, s); }
    return s;
  }

  private group(name: unknown): LogGroup {
    const g = typeof name === 'string' ? this.groups.get(name) : undefined;
    if (!g) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return g;
  }

  private groupArn(name: string): string {
    return `arn:aws:logs:${this.region}:${this.accountId}:log-group:${name}`;
  }

  handle(op: string, body: Record<string, any>): unknown {
    switch (op) {
      case 'CreateLogGroup': {
        if (this.groups.has(body.logGroupName)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
        this.groups.set(body.logGroupName, { name: body.logGroupName, createdAt: this.now(), streams: new Map() });
        return {};
      }
      case 'CreateLogStream': {
        const g = this.group(body.logGroupName);
        if (g.streams.has(body.logStreamName)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
        g.streams.set(body.logStreamName, { name: body.logStreamName, createdAt: this.now(), events: [] });
        return {};
      }
      case 'DescribeLogGroups': {
        const prefix: string = body.logGroupNamePrefix ?? '';
        const logGroups = [...this.groups.values()].filter((g) => g.name.startsWith(prefix))
          .map((g) => ({ logGroupName: g.name, creationTime: g.createdAt, arn: `${this.groupArn(g.name)}:*`, storedBytes: 0 }));
        return { logGroups };
      }
      case 'DescribeLogStreams': {
        const g = this.group(body.logGroupName);
        const prefix: string = body.logStreamNamePrefix ?? '';
        const logStreams = [...g.streams.values()].filter((s) => s.name.startsWith(prefix)).map((s) => ({
          logStreamName: s.name,
          creationTime: s.createdAt,
          firstEventTimestamp: s.events[0]?.timestamp,
          lastEventTimestamp: s.events[s.events.length - 1]?.timestamp,
          lastIngestionTime: s.events[s.events.length - 1]?.ingestionTime,
          arn: `${this.groupArn(g.name)}:log-stream:${s.name}`,
        }));
        return { logStreams };
      }
      case 'PutLogEvents': {
        const g = this.group(body.logGroupName);
        const s = g.streams.get(body.logStreamName);
        if (!s) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
        for (const e of (body.logEvents ?? []) as Array<{ timestamp: number; message: string }>) {
          s.events.push({ timestamp: e.timestamp, message: e.message, ingestionTime: this.now(), eventId: String(++this.seq).padStart(20, '0') });
        }
        return { nextSequenceToken: String(this.seq) };
      }
      case 'GetLogEvents': return this.getLogEvents(body);
      case 'FilterLogEvents': return this.filterLogEvents(body);
      default:
        throw new AwsError('UnknownOperationException', `Operation ${op} is not supported by the local cloud.`);
    }
  }

  private getLogEvents(body: Record<string, any>): unknown {
    const g = this.group(body.logGroupName ?? (typeof body.logGroupIdentifier === 'string' ? body.logGroupIdentifier.replace(/^arn:.*:log-group:/, '').replace(/:\*$/, '') : undefined));
    const s = g.streams.get(body.logStreamName);
    if (!s) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
    const limit = Math.min(Number(body.limit) || DEFAULT_PAGE, DEFAULT_PAGE);
    const events = this.visible(s.events).filter((e) => (body.startTime === undefined || e.timestamp >= body.startTime) && (body.endTime === undefined || e.timestamp < body.endTime));
    const token: string | undefined = body.nextToken;
    const fromHead = body.startFromHead === true;
    let start: number;
    let end: number;
    if (token) {
      const m = /^([fb])\/(\d+)(\/e)?$/.exec(token);
      if (!m) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
      const pos = Number(m[2]);
      if (m[1] === 'f' && !m[3] && pos < events.length && this.emptyPages()) return { events: [], nextForwardToken: `f/${pos}/e`, nextBackwardToken: `b/${pos}` };
      if (m[1] === 'f') { start = pos; end = Math.min(events.length, pos + limit); } else { end = pos; start = Math.max(0, pos - limit); }
    } else if (fromHead) {
      if (events.length > 0 && this.emptyPages()) return { events: [], nextForwardToken: 'f/0/e', nextBackwardToken: 'b/0' };
      start = 0; end = Math.min(events.length, limit);
    } else {
      end = events.length; start = Math.max(0, end - limit);
    }
    const page = events.slice(start, end).map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime }));
    return { events: page, nextForwardToken: `f/${end}`, nextBackwardToken: `b/${start}` };
  }

  private filterLogEvents(body: Record<string, any>): unknown {
    const g = this.group(body.logGroupName ?? (typeof body.logGroupIdentifier === 'string' ? body.logGroupIdentifier.replace(/^arn:.*:log-group:/, '').replace(/:\*$/, '') : undefined));
    const names: string[] | undefined = body.logStreamNames;
    const prefix: string | undefined = body.logStreamNamePrefix;
    const pattern: string | undefined = body.filterPattern;
    const terms = pattern ? tokenizePattern(pattern) : [];
    const all: Array<LogEvent & { logStreamName: string }> = [];
    for (const s of g.streams.values()) {
      if (names && !names.includes(s.name)) continue;
      if (prefix && !s.name.startsWith(prefix)) continue;
      for (const e of this.visible(s.events)) {
        if (body.startTime !== undefined && e.timestamp < body.startTime) continue;
        if (body.endTime !== undefined && e.timestamp > body.endTime) continue;
        if (terms.length && !terms.every((t) => e.message.includes(t))) continue;
        all.push({ ...e, logStreamName: s.name });
      }
    }
    all.sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId));
    const limit = Math.min(Number(body.limit) || DEFAULT_PAGE, DEFAULT_PAGE);
    const start = body.nextToken ? Number(String(body.nextToken).replace(/^n\//, '')) || 0 : 0;
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? `n/${start + limit}` : undefined;
    return {
      events: page.map((e) => ({ logStreamName: e.logStreamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: e.eventId })),
      searchedLogStreams: [],
      ...(next ? { nextToken: next } : {}),
    };
  }
}

/** A minimal filter pattern: quoted phrases and bare words must all appear. */
function tokenizePattern(pattern: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(pattern))) out.push(m[1] ?? m[2]);
  return out.filter((t) => t.length > 0);
}
