/**
 * `rehearse` end to end: for every stack of the assembly with `UserImportDeployment`s, Create each (in
 * dependency order), then Delete each in reverse order, as CloudFormation would on deploy and on destroy
 * (or rollback). A Create whose dependency failed is not sent (CloudFormation would never get to it).
 */
import { readStacks, StackArtifact } from './assembly';
import { CfnEventResult } from './cloudformation';
import { deploymentsOf, Rehearsal, RehearsalOptions } from './rehearsal';

/** One line of `rehearse --json`. */
export interface RehearsalEvent {
  path: string;
  logicalId: string;
  event: 'Create' | 'Delete';
  status: 'SUCCESS' | 'FAILED';
  reason: string;
  data: Record<string, unknown>;
}

export interface RehearseOptions extends RehearsalOptions {
  /** Only this stack (artifact id, stack name or display name). */
  stack?: string;
  /** Progress lines (stderr). */
  log?: (line: string) => void;
  /** Each event as it is recorded. */
  onEvent?: (e: RehearsalEvent) => void;
}

export function selectStacks(assemblyDir: string, name?: string): StackArtifact[] {
  const all = readStacks(assemblyDir);
  if (name === undefined) return all;
  const picked = all.filter((s) => s.id === name || s.stackName === name || s.displayName === name);
  if (picked.length === 0) throw new Error(`no stack '${name}' in the assembly; stacks: ${all.map((s) => s.displayName).join(', ') || '(none)'}`);
  return picked;
}

export async function rehearseAssembly(assemblyDir: string, opts: RehearseOptions = {}): Promise<RehearsalEvent[]> {
  const log = opts.log ?? (() => undefined);
  const events: RehearsalEvent[] = [];
  const record = (path: string, r: CfnEventResult) => {
    const e: RehearsalEvent = {
      path, logicalId: r.logicalResourceId, event: r.requestType as 'Create' | 'Delete', status: r.status, reason: r.reason,
      data: r.status === 'SUCCESS' ? (r.noEcho ? mask(r.data) : r.data) : {},
    };
    events.push(e);
    opts.onEvent?.(e);
  };
  const stacks = selectStacks(assemblyDir, opts.stack).filter((s) => deploymentsOf(s.template).length > 0);
  if (stacks.length === 0) log('no UserImportDeployment in the assembly: nothing to rehearse');
  for (const stack of stacks) {
    const deployments = deploymentsOf(stack.template);
    log(`${stack.displayName}: ${deployments.length} UserImportDeployment(s) on a local cloud with the stack's own pool`);
    if (deployments.some((d) => !d.pathFromMetadata)) {
      log(`${stack.displayName}: the template has no aws:cdk:path metadata (synthesized with --no-path-metadata?): deployments are named by their logical ids`);
    }
    const rehearsal = await Rehearsal.start(stack, opts);
    try {
      // An asset the assembly lacks would stop `cdk deploy` before CloudFormation: no Create is sent.
      const missing = rehearsal.cloud.functionsWithoutCode;
      for (const m of missing) log(`${stack.displayName}: ${m.problem}`);
      if (missing.length > 0) {
        const reason = `Not attempted: the assembly lacks function code: ${missing.map((m) => m.problem).join('; ')}`;
        for (const d of deployments) {
          record(d.path, { requestType: 'Create', logicalResourceId: d.logicalId, requestId: '', status: 'FAILED', reason, data: {}, noEcho: false, bodyBytes: 0 });
        }
        continue;
      }
      const created: Array<{ path: string; logicalId: string; physicalResourceId: string }> = [];
      const failed = new Set<string>();
      for (const d of deployments) {
        const blocker = [...failed].find((f) => dependsOn(stack.template, d.logicalId, f));
        if (blocker) {
          record(d.path, { requestType: 'Create', logicalResourceId: d.logicalId, requestId: '', status: 'FAILED', reason: `Not attempted: it depends on ${blocker}, which failed.`, data: {}, noEcho: false, bodyBytes: 0 });
          failed.add(d.logicalId);
          continue;
        }
        log(`${d.path}: Create`);
        const r = await rehearsal.request('Create', d.logicalId);
        record(d.path, r);
        if (r.status === 'FAILED') failed.add(d.logicalId);
        if (r.physicalResourceId) created.push({ path: d.path, logicalId: d.logicalId, physicalResourceId: r.physicalResourceId });
      }
      for (const c of created.reverse()) {
        log(`${c.path}: Delete`);
        record(c.path, await rehearsal.request('Delete', c.logicalId, { physicalResourceId: c.physicalResourceId }));
      }
    } finally {
      await rehearsal.stop();
    }
  }
  return events;
}

function mask(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(data).map((k) => [k, '*****']));
}

/** True when resource `id` depends (directly or not) on `other`. */
function dependsOn(template: any, id: string, other: string): boolean {
  const resources: Record<string, any> = template.Resources ?? {};
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    const r = resources[cur];
    if (!r) continue;
    const refs = new Set<string>([r.DependsOn ?? []].flat());
    JSON.stringify(r.Properties ?? {}, (k, v) => {
      if (k === 'Ref' && typeof v === 'string') refs.add(v);
      if (k === 'Fn::GetAtt') refs.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);
      return v;
    });
    for (const x of refs) {
      if (x === other) return true;
      if (!seen.has(x)) { seen.add(x); stack.push(x); }
    }
  }
  return false;
}

/** What CloudFormation would show per event: resource status, reason, attributes. */
export function formatEvents(events: RehearsalEvent[]): string {
  const lines: string[] = [];
  for (const e of events) {
    const status = `${e.event.toUpperCase()}_${e.status === 'SUCCESS' ? 'COMPLETE' : 'FAILED'}`;
    lines.push(`${e.path} (${e.logicalId})  ${status}`);
    if (e.reason && e.status === 'FAILED') lines.push(`  reason: ${e.reason.replace(/\n/g, '\n          ')}`);
    const attrs = Object.entries(e.data);
    if (attrs.length) lines.push(`  attributes: ${attrs.map(([k, v]) => `${k}=${String(v)}`).join('  ')}`);
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}
