/**
 * Coalescing: when a file takes the slot, other one-part files OF THE SAME IMPORTER waiting behind it
 * ride in its job while the sum fits one job (rows, bytes) — one Cognito job instead of many. The
 * combined part is the holder's rows followed by each rider's; after the harvest, `distribute` splits
 * the results back per file (lines mapped to each file's own physical lines) and hands each rider its
 * results through its ticket, so every file still ends with its own report, rows to fix and event.
 *
 * A rider is left in line (it runs later, in a job of its own or another combined one) when its
 * header differs from the holder's, or when one of its usernames is already in the combined part:
 * Cognito would SKIP the second row as an existing user, so it must run after the first has landed.
 */
import type { HarvestOutput, PartDescriptor } from '../shared/steps';
import type { CoalescedMember, DistributeInput } from '../shared/queue-steps';
import { readCognitoField, readCognitoFields } from '../csv/cognito-dialect';
import { readTextLineBatches } from '../csv/line-reader';
import { USERNAME_COLUMN } from '../validate/pool-rules';
import { QueueContext, renew as renewSlot } from './queue-context';
import type { Ticket } from '../shared/queue-table';
import { combinedMarkerKey, HarvestSummary } from '../runtime/work-files';
import { splitCombined } from '../harvest/split-combined';

/** Riders per job: the members list lives in the holder's ticket (a DynamoDB item is ≤ 400 KB). */
export const MAX_FILES_PER_JOB = 200;

export interface JobPlan {
  readonly parts: PartDescriptor[];
  readonly combined: boolean;
  readonly members?: CoalescedMember[];
}

/** The parts the holder runs: its own, or one combined part when waiting files can ride along. */
export async function planJob(ctx: QueueContext, me: Ticket, ownParts: PartDescriptor[], now: number): Promise<JobPlan> {
  const own: JobPlan = { parts: ownParts, combined: false };
  if (!ctx.queue.coalesce || ownParts.length !== 1) return own;
  const mine = ownParts[0];
  const { store, config } = ctx;
  let rows = mine.rows;
  let bytes = mine.bytes;
  const claimed: Array<{ ticket: Ticket; part: PartDescriptor }> = [];
  for (const t of await store.tickets({ afterSeq: me.seq })) {
    if (claimed.length + 1 >= MAX_FILES_PER_JOB) break;
    const again = t.status === 'CLAIMED' && t.coalescedInto === me.sk; // a retried step
    if (!again && t.status !== 'WAITING') continue;
    if (t.importerId !== config.importerId || t.partCount !== 1 || !t.part) continue;
    const part = JSON.parse(t.part) as PartDescriptor;
    if (rows + part.rows > config.maxRowsPerPart || bytes + part.bytes > config.maxBytesPerPart) continue;
    if (!again && !(await store.updateTicket(t.sk, { status: 'CLAIMED', coalescedInto: me.sk }, { status: 'WAITING' }, now))) continue;
    claimed.push({ ticket: t, part });
    rows += part.rows;
    bytes += part.bytes;
  }
  if (claimed.length === 0) return own;

  // Pass 1: which riders fit (same header, no username already in the job).
  const header = await firstLine(ctx, mine.key);
  const usernames = new Set<string>();
  await eachUsername(ctx, mine.key, (u) => { usernames.add(u); });
  const riders: Array<{ ticket: Ticket; part: PartDescriptor }> = [];
  for (const c of claimed) {
    const fits = (await firstLine(ctx, c.part.key)) === header && (await collectNew(ctx, c.part.key, usernames));
    if (fits) { riders.push(c); continue; }
    ctx.deps.log.info('file not combined (other columns or a username already in the job): stays in line', { ticket: c.ticket.seq });
    await store.updateTicket(c.ticket.sk, { status: 'WAITING', coalescedInto: undefined }, { status: 'CLAIMED', coalescedInto: me.sk }, now);
  }
  if (riders.length === 0) return own;

  // Pass 2: write the combined part: header, the holder's rows, then each rider's rows.
  const base = mine.key.replace(/\.csv$/, '');
  const key = `${base}.combined.csv`;
  const lineMapKey = `${base}.combined.lines.json`;
  const out = ctx.deps.store.writer(config.bucket, key, 'text/csv');
  await out.write(Buffer.from(header + '\n'));
  const members: CoalescedMember[] = [];
  let line = 2;
  for (const m of [{ ticket: me, part: mine }, ...riders]) {
    members.push({ ticket: m.ticket.sk, part: m.part, firstLine: line });
    line += await copyRows(ctx, m.part.key, (chunk) => out.write(chunk));
  }
  const size = await out.end();
  // The combined part's lines are its own: harvest reports them as they are, distribute maps them.
  await ctx.deps.store.putText(config.bucket, lineMapKey, '[]', 'application/json');
  const part: PartDescriptor = {
    partNumber: 1, partCount: 1, key, lineMapKey, rows: line - 2, bytes: size, jobName: mine.jobName,
  };
  // Each file's own work area names the job its rows ride in: its report finds the job on every path.
  for (const m of members) {
    await ctx.deps.store.putText(config.bucket, combinedMarkerKey(m.part), JSON.stringify({ part, members }), 'application/json');
  }
  ctx.deps.log.info('combined waiting files into one job', { ticket: me.seq, files: members.length, rows: part.rows, bytes: size });
  return { parts: [part], combined: true, members };
}

async function firstLine(ctx: QueueContext, key: string): Promise<string> {
  const object = await ctx.deps.store.open(ctx.config.bucket, key);
  for await (const batch of readTextLineBatches(object.body)) {
    object.body.destroy();
    return batch[0]?.text ?? '';
  }
  return '';
}

async function eachUsername(ctx: QueueContext, key: string, fn: (username: string) => boolean | void): Promise<boolean> {
  const object = await ctx.deps.store.open(ctx.config.bucket, key);
  let at = -1;
  for await (const batch of readTextLineBatches(object.body)) {
    for (const { number, text } of batch) {
      // A part is read the way Cognito reads it (the way it was written), never as RFC CSV.
      if (number === 1) { at = readCognitoFields(text).indexOf(USERNAME_COLUMN); continue; }
      if (!text || at < 0) continue;
      if (fn(readCognitoField(text, at) ?? '') === false) { object.body.destroy(); return false; }
    }
  }
  return true;
}

/** Adds the part's usernames to `seen` unless one is already there (then adds none). */
async function collectNew(ctx: QueueContext, key: string, seen: Set<string>): Promise<boolean> {
  const mine: string[] = [];
  const ok = await eachUsername(ctx, key, (u) => { if (seen.has(u)) return false; mine.push(u); return true; });
  if (ok) for (const u of mine) seen.add(u);
  return ok;
}

/** Copies the part's data rows (not its header); returns how many. */
async function copyRows(ctx: QueueContext, key: string, write: (chunk: Buffer) => Promise<void>): Promise<number> {
  const object = await ctx.deps.store.open(ctx.config.bucket, key);
  let rows = 0;
  for await (const batch of readTextLineBatches(object.body)) {
    const texts: string[] = [];
    for (const { number, text } of batch) if (number > 1 && text) texts.push(text);
    if (texts.length) await write(Buffer.from(texts.join('\n') + '\n'));
    rows += texts.length;
  }
  return rows;
}

/**
 * The distribute step (combined jobs only): splits the combined part's results per file, gives each
 * rider its results through its ticket, and returns the holder's own.
 */
export async function distribute(ctx: QueueContext, input: DistributeInput): Promise<HarvestOutput[]> {
  const { deps, config, store } = ctx;
  await renewSlot(ctx, input.queue.ticket);
  const me = await store.ticket(input.queue.ticket);
  const members = JSON.parse(me?.members ?? '[]') as CoalescedMember[];
  const combined = input.parts[0];
  const summaryText = combined?.resultsKey ? await deps.store.getText(config.bucket, combined.resultsKey) : undefined;
  if (!me || !combined || !summaryText || members.length === 0) throw new Error('distribute: the combined job\'s results are missing');
  const summary = JSON.parse(summaryText) as HarvestSummary;
  const split = await splitCombined(deps, config, members, summary, combined.job);
  let mineOut: HarvestOutput | undefined;
  for (const m of members) {
    const out = split.get(m.ticket)!;
    if (m.ticket === me.sk) { mineOut = out; continue; }
    const handed = await store.updateTicket(m.ticket, { status: 'DONE', results: JSON.stringify([out]) }, { status: 'CLAIMED', coalescedInto: me.sk }, deps.now().getTime());
    if (!handed) deps.log.warn('a combined file was no longer waiting for its results', { ticket: m.ticket });
  }
  deps.log.info('results split per combined file', { ticket: me.seq, files: members.length, jobId: combined.job.jobId });
  return mineOut ? [mineOut] : [];
}
