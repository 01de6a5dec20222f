/**
 * The local cloud's one loopback port, listened on first: the endpoint is known before any service or
 * function is built with it. Requests that arrive before the services are ready are answered 503.
 */
import { createServer, RequestListener } from 'http';
import { AddressInfo } from 'net';

export interface LoopbackListener {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Hands every request from now on to `listener`. */
  serve(listener: RequestListener): void;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

export async function listenOnLoopback(port: number): Promise<LoopbackListener> {
  let serving: RequestListener | undefined;
  const server = createServer((req, res) => {
    if (serving) return serving(req, res);
    req.resume();
    res.writeHead(503, { 'Content-Length': 0, Connection: 'close' });
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    endpoint: `http://127.0.0.1:${actual}`,
    serve(listener) { serving = listener; },
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
