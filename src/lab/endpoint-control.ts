// The lab endpoint's control port: a tiny HTTP server on 127.0.0.1 inside the lab process, so that another
// process (`cutover lab switch`, run by an operator or by a --on-switch hook) can repoint the proxy. Its port and a
// random token are in the lab's manifest (lab.json, in a folder only its user can read); a request without the
// token is refused.
//   GET  /endpoint                      → 200 {endpoint, backend, connections}
//   POST /endpoint  {"to":"target"}     → 200 {endpoint, backend, was, closed} · 400 {error} (nothing changed)
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BackendRefused } from './backend-name.js';

export const TOKEN_HEADER = 'x-cutover-lab-token';
/** A request body larger than this is refused: the only one expected is {"to": "…"}. */
const MAX_BODY = 4096;

export interface EndpointState {
  endpoint: string;
  backend: { name?: string; address: string };
  connections: number;
}

export interface SwitchReply {
  endpoint: string;
  backend: { name?: string; address: string };
  was: { name?: string; address: string };
  closed: number;
}

export interface EndpointHandlers {
  state(): EndpointState;
  /** repoints the endpoint; throws BackendRefused (a 400, nothing changed) for a backend it will not take */
  switchTo(to: string): Promise<SwitchReply>;
}

export class EndpointControl {
  readonly token = randomBytes(16).toString('hex');

  private constructor(private readonly server: Server) {}

  static listen(handlers: EndpointHandlers): Promise<EndpointControl> {
    let control!: EndpointControl;
    const server = createServer((req, res) => void control.serve(req, res, handlers));
    control = new EndpointControl(server);
    server.on('clientError', (_err, socket) => socket.destroy());
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(control);
      });
    });
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse, handlers: EndpointHandlers): Promise<void> {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body) + '\n');
    };
    try {
      if (!this.tokenMatches(req.headers[TOKEN_HEADER])) return reply(401, { error: `the lab's control port wants the token from its lab.json` });
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/endpoint') return reply(404, { error: `no ${path} here: GET or POST /endpoint` });
      if (req.method === 'GET') return reply(200, handlers.state());
      if (req.method !== 'POST') return reply(405, { error: `${req.method} /endpoint: use GET or POST` });
      const body = await readBody(req);
      let to: unknown;
      try {
        to = (JSON.parse(body) as { to?: unknown }).to;
      } catch {
        return reply(400, { error: `the request body is not JSON: send {"to": "target"} or {"to": "HOST:PORT"}` });
      }
      if (typeof to !== 'string' || !to.trim()) return reply(400, { error: `no "to" in the request: send {"to": "target"} or {"to": "HOST:PORT"}` });
      return reply(200, await handlers.switchTo(to.trim()));
    } catch (err) {
      if (err instanceof BackendRefused) return reply(400, { error: err.message });
      return reply(500, { error: (err as Error)?.message ?? String(err) });
    }
  }

  private tokenMatches(given: string | string[] | undefined): boolean {
    if (typeof given !== 'string') return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_BODY) {
        reject(new BackendRefused(`the request body is over ${MAX_BODY} bytes: send {"to": "target"}`));
        req.destroy();
        return;
      }
      chunks.push(d);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
