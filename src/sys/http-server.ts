// The one HTTP server: a request read whole (up to a cap) handed to a function that returns the reply (the alert relay,
// test and bench stand-ins).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request to serveHttp's handler: the body read whole. Header names are lowercase. */
export interface ServedRequest {
  method: string;
  /** The path without the query. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface ServedReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpServer {
  /** `http://host:port`, the port the system gave when 0 was asked for. */
  url: string;
  port: number;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

export interface ServeOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** A larger body is answered 413 without calling the handler; default 1 MiB. */
  maxBodyBytes?: number;
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Serves `handle` on host:port; a handler that throws is answered 500 with the message. */
export async function serveHttp(
  options: ServeOptions,
  handle: (req: ServedRequest) => Promise<ServedReply> | ServedReply,
): Promise<HttpServer> {
  const maxBytes = options.maxBodyBytes ?? 1024 * 1024;
  const server = createServer((req, res) => {
    const reply = async (): Promise<ServedReply> => {
      const body = await readBody(req, maxBytes);
      if (body === null) return { status: 413, body: `request body larger than ${maxBytes} bytes\n` };
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = String(v);
      const path = (req.url ?? '/').split('?')[0]!;
      return handle({ method: req.method ?? 'GET', path, headers, body });
    };
    reply()
      .catch((err: unknown): ServedReply => ({ status: 500, body: `${err instanceof Error ? err.message : err}\n` }))
      .then((r) => {
        res.writeHead(r.status, { 'content-type': 'text/plain; charset=utf-8', ...r.headers });
        res.end(r.body ?? '');
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
