/** The local cloud's own routes (`/_local/*`, behind its per-run token): health, faults, clock, Cognito's knobs, events. */
import { CognitoBackend, parseBehaviour } from '../cognito';
import { EventsService } from '../services/events';
import { Faults } from '../faults';
import { Clock } from '../util';

export interface AdminDeps {
  readonly poolId: string;
  readonly bucket: string;
  readonly faults: Faults;
  readonly clock: Clock;
  readonly cognito: CognitoBackend;
  readonly events: EventsService;
}

export function adminRoutes(d: AdminDeps): (method: string, path: string, body: any) => Promise<unknown> {
  return async (method, path, body) => {
    if (path === '/_local/health') return { ok: true, poolId: d.poolId, bucket: d.bucket };
    if (path === '/_local/faults' && method === 'POST') { d.faults.apply(body, d.clock.now()); return { ok: true }; }
    if (path === '/_local/clock' && method === 'POST') { d.clock.advance(Number(body.advanceMs) || 0); return { now: d.clock.now() }; }
    if (path === '/_local/cognito/timings' && method === 'POST') { Object.assign(d.cognito.timings, body); return d.cognito.timings; }
    if (path === '/_local/cognito/behaviour') {
      if (method === 'POST') d.cognito.behaviour = parseBehaviour(body, 'POST /_local/cognito/behaviour');
      return d.cognito.behaviour;
    }
    if (path === '/_local/events') return d.events.recorded;
    throw new Error(`unknown admin route ${method} ${path}`);
  };
}
