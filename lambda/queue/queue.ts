/**
 * The account-wide import queue (a DynamoDB-backed FIFO semaphore driven by the workflow):
 * enqueue → (wait → checkTurn)* → the slot is taken BEFORE any job is created → the parts run with
 * the lease renewed on every start/describe → release. Every error path leaves the queue (leaveQueue).
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, otherJobActive, start } from '../job/job-control';
import { QueueErrors } from '../shared/errors';
import { EVENT_SOURCE, QUEUED_DETAIL_TYPE } from '../shared/events';
import type { CheckTurnInput, DescribeInQueueInput, EnqueueInput, LeaveQueueInput, QueueState, ReleaseInput, StartInQueueInput } from '../shared/queue-steps';
import { QueueKeys, Ticket, ticketSeq } from '../shared/queue-table';
import type { PartDescriptor } from '../shared/steps';
import { planJob } from './queue-coalesce';
import { QueueContext, QueueError, renew } from './queue-context';
import { emitWaitingFiles, emitWaitTime } from './queue-metrics';
import { queueWaitSeconds, staleAfterMs } from './queue-wait';

/** The enqueue step: one ticket per execution (a retried step finds the one it wrote). */
export async function enqueue(ctx: QueueContext, input: EnqueueInput): Promise<QueueState> {
  const { deps, config, store } = ctx;
  const now = deps.now().getTime();
  const existing = await store.pointer(input.executionName);
  let ticket = existing ? await store.ticket(existing) : undefined;
  if (!ticket) {
    const seq = existing ? Number(existing.slice(QueueKeys.TICKET_PREFIX.length)) : await store.nextSeq();
    const parts = input.validation.parts;
    const single = parts.length === 1 ? parts[0] : undefined;
    ticket = {
      sk: QueueKeys.ticket(seq), seq, status: 'WAITING', importerId: config.importerId, executionName: input.executionName,
      sourceKey: input.source.key, enqueuedAt: now, seenAt: now, partCount: parts.length,
      rows: parts.reduce((n, p) => n + p.rows, 0), bytes: parts.reduce((n, p) => n + p.bytes, 0),
      ...(single ? { part: JSON.stringify(single) } : {}),
    };
    await store.putTicket(ticket, now);
  }
  const position = (await waitingAhead(ctx, ticket, now)).length;
  const slotHeld = await slotTaken(ctx, now);
  deps.log.info('file queued for the import slot', { ticket: ticket.seq, position, slotHeld });
  emitWaitingFiles(ctx, position);
  await deps.events.send(new PutEventsCommand({
    Entries: [{
      Source: EVENT_SOURCE, DetailType: QUEUED_DETAIL_TYPE, EventBusName: config.eventBusName,
      Detail: JSON.stringify({ importerId: config.importerId, source: input.source, ticket: ticket.seq, position, slotHeld }),
    }],
  }));
  return { ticket: ticket.sk, seq: ticket.seq, enqueuedAt: ticket.enqueuedAt, outcome: 'Waiting', position, waitSeconds: 0 };
}

/** Live waiting tickets ahead of `ticket`; stale ones (their workflow is gone) are deleted on the way. */
async function waitingAhead(ctx: QueueContext, ticket: Ticket, now: number): Promise<Ticket[]> {
  const staleBefore = now - staleAfterMs(ctx.queue);
  const ahead: Ticket[] = [];
  for (const t of await ctx.store.tickets({ beforeSeq: ticket.seq })) {
    if (t.status !== 'WAITING') continue;
    if (t.seenAt < staleBefore) {
      if (await ctx.store.delete(t.sk, t.seenAt)) ctx.deps.log.warn('removed a stale queue ticket', { ticket: t.seq });
      continue;
    }
    ahead.push(t);
  }
  return ahead;
}

async function slotTaken(ctx: QueueContext, now: number, me?: string): Promise<boolean> {
  const lease = await ctx.store.lease();
  return !!lease && lease.expiresAtMs >= now && lease.holder !== me;
}

/**
 * A file combined into a running job looks as seldom as the last file in line: its results come only
 * when the whole job is done, and hundreds of combined files must not flood the table.
 */
const COMBINED_WAIT_POSITION = Number.MAX_SAFE_INTEGER;

function waiting(ctx: QueueContext, state: QueueState, position: number, reason: string, combined = false): QueueState {
  const waited = Math.max(0, (ctx.deps.now().getTime() - state.enqueuedAt) / 1000);
  const waitSeconds = queueWaitSeconds(ctx.queue, combined ? COMBINED_WAIT_POSITION : position, waited);
  ctx.deps.log.info('waiting for the import slot', { ticket: state.seq, position, reason, waitSeconds });
  // A file combined into a running job is not in line: only files in line count as waiting.
  if (!combined) emitWaitingFiles(ctx, position);
  return { ticket: state.ticket, seq: state.seq, enqueuedAt: state.enqueuedAt, outcome: 'Waiting', position, waitSeconds };
}

/**
 * The checkTurn step. The slot goes to the first live waiting ticket, only when no lease is held
 * and no job is running in the pool; taking it is a conditional write, so exactly one file wins.
 */
export async function checkTurn(ctx: QueueContext, input: CheckTurnInput): Promise<QueueState> {
  const { deps, store, queue } = ctx;
  const state = input.queue;
  const now = deps.now().getTime();
  const ticket = await store.touch(state.ticket, now);
  if (!ticket) throw new QueueError(QueueErrors.TicketLost, `queue ticket ${state.seq} is gone (removed as stale?)`);

  if (ticket.status === 'DONE') {
    await leave(ctx, ticket);
    deps.log.info('file imported in a combined job', { ticket: ticket.seq, into: ticket.coalescedInto });
    emitWaitTime(ctx, state.enqueuedAt);
    return { ...baseState(state), outcome: 'Coalesced', waitSeconds: 0, results: JSON.parse(ticket.results ?? '[]') };
  }
  if (ticket.status === 'FAILED') {
    await leave(ctx, ticket);
    throw new QueueError(QueueErrors.CoalescedJobFailed, `the job this file was combined into (ticket ${ticketSeq(ticket.coalescedInto)}) ended in an error before its results were written`);
  }
  if (ticket.status === 'CLAIMED') {
    // The holder hands results over (DONE) or fails its riders (LeaveQueue) before it removes its
    // ticket; a slow holder (even one whose lease ran out) is still working, so only a holder whose
    // ticket is gone while this file is still claimed has ended without results.
    const holder = ticket.coalescedInto ? await store.ticket(ticket.coalescedInto) : undefined;
    if (holder) return waiting(ctx, state, 0, 'combined into a running job', true);
    const again = await store.ticket(ticket.sk);
    if (again && again.status === 'CLAIMED') await store.updateTicket(ticket.sk, { status: 'FAILED' }, { status: 'CLAIMED' }, now);
    return waiting(ctx, state, 0, 'combined job finishing', true);
  }
  if (ticket.status === 'RUNNING' && ticket.plan) return acquired(state, ticket);

  if (now - ticket.enqueuedAt > queue.maxWaitSeconds * 1000) {
    await leave(ctx, ticket);
    throw new QueueError(QueueErrors.WaitExceeded, `waited for the import slot longer than the queue's maximum wait (${queue.maxWaitSeconds} s)`);
  }
  const ahead = await waitingAhead(ctx, ticket, now);
  if (ahead.length > 0) return waiting(ctx, state, ahead.length, 'files ahead');
  if (await slotTaken(ctx, now, ticket.sk)) return waiting(ctx, state, 0, 'slot held');
  if (await otherJobActive(ctx.deps, ctx.config)) return waiting(ctx, state, 0, 'a job started outside the queue is running');
  const won = await store.acquire({
    holder: ticket.sk, executionName: ticket.executionName, importerId: ticket.importerId,
    expiresAtMs: now + queue.leaseSeconds * 1000, acquiredAt: now,
  }, now);
  if (!won) return waiting(ctx, state, 0, 'slot taken');

  const plan = await planJob(ctx, ticket, input.validation.parts, now);
  const ok = await store.updateTicket(ticket.sk, {
    status: 'RUNNING', plan: JSON.stringify({ parts: plan.parts, combined: plan.combined }),
    ...(plan.members ? { members: JSON.stringify(plan.members) } : {}),
  }, undefined, now);
  if (!ok) throw new QueueError(QueueErrors.TicketLost, `queue ticket ${ticket.seq} disappeared while taking the slot`);
  // Combining files may take a while: the lease starts again now.
  await renew(ctx, ticket.sk);
  deps.log.info('took the import slot', { ticket: ticket.seq, combinedFiles: plan.members?.length ?? 1, parts: plan.parts.length });
  emitWaitTime(ctx, state.enqueuedAt);
  return { ...baseState(state), outcome: 'Acquired', waitSeconds: 0, parts: plan.parts, combined: plan.combined };
}

function acquired(state: QueueState, ticket: Ticket): QueueState {
  const plan = JSON.parse(ticket.plan!) as { parts: PartDescriptor[]; combined: boolean };
  return { ...baseState(state), outcome: 'Acquired', waitSeconds: 0, parts: plan.parts, combined: plan.combined };
}

function baseState(state: QueueState) {
  return { ticket: state.ticket, seq: state.seq, enqueuedAt: state.enqueuedAt };
}

/** Removes the ticket and its pointer. */
async function leave(ctx: QueueContext, ticket: Ticket): Promise<void> {
  await ctx.store.delete(QueueKeys.pointer(ticket.executionName));
  await ctx.store.delete(ticket.sk);
}

export async function startInQueue(ctx: QueueContext, input: StartInQueueInput) {
  await renew(ctx, input.ticket);
  return start(ctx.deps, ctx.config, input.job);
}

export async function describeInQueue(ctx: QueueContext, input: DescribeInQueueInput) {
  const out = await describe(ctx.deps, ctx.config, input.job);
  await renew(ctx, input.ticket);
  return out;
}

/** The release step: frees the slot and removes the ticket once the file's parts have run. */
export async function release(ctx: QueueContext, input: ReleaseInput): Promise<void> {
  const ticket = await ctx.store.ticket(input.queue.ticket);
  await ctx.store.release(input.queue.ticket);
  if (ticket) await leave(ctx, ticket);
  ctx.deps.log.info('released the import slot', { ticket: input.queue.seq });
}

/**
 * The error path's step: whatever the workflow reached, free the slot if this file holds it, fail
 * the files combined into its job that have no results yet (each ends with its own failure report),
 * and remove the ticket.
 */
export async function leaveQueue(ctx: QueueContext, input: LeaveQueueInput): Promise<void> {
  const sk = await ctx.store.pointer(input.executionName);
  if (!sk) return;
  const ticket = await ctx.store.ticket(sk);
  const now = ctx.deps.now().getTime();
  if (ticket?.members) {
    for (const m of JSON.parse(ticket.members) as Array<{ ticket: string }>) {
      if (m.ticket !== sk) await ctx.store.updateTicket(m.ticket, { status: 'FAILED' }, { status: 'CLAIMED', coalescedInto: sk }, now);
    }
  } else if (ticket) {
    // Claimed but never part of a job (the error came before the plan was saved): back in line.
    for (const t of await ctx.store.tickets({ afterSeq: ticket.seq })) {
      if (t.status === 'CLAIMED' && t.coalescedInto === sk) await ctx.store.updateTicket(t.sk, { status: 'WAITING', coalescedInto: undefined }, { status: 'CLAIMED', coalescedInto: sk }, now);
    }
  }
  if (await ctx.store.release(sk)) ctx.deps.log.info('released the import slot after an error', { ticket: ticketSeq(sk) });
  await ctx.store.delete(QueueKeys.pointer(input.executionName));
  if (ticket) await ctx.store.delete(sk);
}
