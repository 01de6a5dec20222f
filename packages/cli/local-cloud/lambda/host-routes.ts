/**
 * The Lambda sandbox's network: requests to a few AWS hostnames go to the local cloud instead.
 *
 * Code that talks to AWS through an SDK client reaches the local cloud through AWS_ENDPOINT_URL. Some code
 * does not: aws-cdk-lib's Provider framework answers CloudFormation with a bare `https.request` to the
 * pre-signed ResponseURL's host (port 443, path and query only). On AWS, DNS and TLS take that request to
 * CloudFormation's response bucket; here this routing takes it, unchanged in method, path, query, headers
 * and body, to the local cloud over plain HTTP on loopback. Only the listed hosts are routed; everything
 * else keeps Node's own behaviour. Installed inside the sandbox (worker thread) before the handler loads.
 */
// The modules themselves (not TypeScript's import wrappers, whose properties are read-only).
import http = require('http');
import https = require('https');

type RequestFn = typeof http.request;

/** Replaces `https.request`/`http.request` (and `get`) with versions that route the given hostnames. */
export function install(routes: Record<string, string>): void {
  for (const mod of [https, http] as Array<typeof http>) {
    const original = mod.request.bind(mod) as RequestFn;
    const routed = ((...args: any[]) => {
      const target = routeFor(args, routes);
      return target ? http.request(target.options, ...(target.callback ? [target.callback] : [])) : (original as any)(...args);
    }) as RequestFn;
    (mod as any).request = routed;
    (mod as any).get = (...args: any[]) => { const req = (routed as any)(...args); req.end(); return req; };
  }
}

interface Routed { options: http.RequestOptions; callback?: (res: http.IncomingMessage) => void }

function routeFor(args: any[], routes: Record<string, string>): Routed | undefined {
  let url: URL | undefined;
  let options: http.RequestOptions = {};
  let callback: ((res: http.IncomingMessage) => void) | undefined;
  for (const a of args) {
    if (typeof a === 'function') callback = a;
    else if (typeof a === 'string') url = new URL(a);
    else if (a instanceof URL) url = a;
    else if (a && typeof a === 'object') options = { ...options, ...a };
  }
  const hostname = String(options.hostname ?? (typeof options.host === 'string' ? options.host.split(':')[0] : undefined) ?? url?.hostname ?? '');
  const endpoint = routes[hostname];
  if (!endpoint) return undefined;
  const local = new URL(endpoint);
  const path = options.path ?? (url ? `${url.pathname}${url.search}` : '/');
  const headers = { ...(options.headers as Record<string, string> | undefined) };
  // The request is addressed to the local cloud; Node sets Host from hostname and port.
  for (const k of Object.keys(headers)) if (k.toLowerCase() === 'host') delete headers[k];
  return {
    options: { method: options.method ?? 'GET', hostname: local.hostname, port: Number(local.port) || 80, path, headers, timeout: options.timeout },
    callback,
  };
}
