/**
 * Serves a fetch handler on a TCP port with whatever the runtime offers: `Deno.serve`,
 * `Bun.serve`, or `node:http` (imported only when called). Nothing here runs at import time.
 *
 * @module
 */

type Handler = (request: Request) => Promise<Response>;

/** A listening socket. */
export interface Served {
  /** `http://host:port/api` */
  url: string;
  /** Closes the socket. */
  stop(): Promise<void>;
}

interface DenoLike {
  serve(
    options: { hostname: string; port: number; onListen?: (addr: { port: number }) => void },
    handler: Handler,
  ): { addr: { port: number }; shutdown(): Promise<void>; finished: Promise<void> };
}
interface BunLike {
  serve(options: { hostname: string; port: number; fetch: Handler; idleTimeout?: number }): {
    port: number;
    stop(force?: boolean): void | Promise<void>;
  };
}

/**
 * Listens on `hostname:port` (0 = a free port) and answers with `handler`.
 *
 * @example
 * ```ts
 * import { listen } from "./listen.ts";
 * const served = await listen(async () => new Response("ok"), "127.0.0.1", 0);
 * await served.stop();
 * ```
 */
export async function listen(handler: Handler, hostname: string, port: number): Promise<Served> {
  const g = globalThis as unknown as { Deno?: DenoLike; Bun?: BunLike };
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  if (g.Deno?.serve) {
    // A copy whose signal aborts only while the handler runs: Deno's own request signal also
    // aborts after a successful response, and a long poll must hear only a client that left.
    const server = g.Deno.serve(
      { hostname, port, onListen: () => {} },
      async (request) => {
        const client = new AbortController();
        const gone = () => client.abort();
        request.signal.addEventListener("abort", gone, { once: true });
        try {
          return await handler(
            new Request(request.url, {
              method: request.method,
              headers: request.headers,
              body: request.body,
              signal: client.signal,
              // @ts-ignore: `duplex` is needed for a streamed body, missing from older RequestInit types
              duplex: "half",
            }),
          );
        } finally {
          request.signal.removeEventListener("abort", gone);
        }
      },
    );
    return {
      url: `http://${host}:${server.addr.port}/api`,
      stop: async () => {
        await server.shutdown();
      },
    };
  }
  if (g.Bun?.serve) {
    // idleTimeout 0: long polls may hold a connection for up to 5 s
    const server = g.Bun.serve({ hostname, port, fetch: handler, idleTimeout: 0 });
    return {
      url: `http://${host}:${server.port}/api`,
      stop: async () => {
        await server.stop(true);
      },
    };
  }
  return await listenNode(handler, hostname, port, host);
}

async function listenNode(
  handler: Handler,
  hostname: string,
  port: number,
  host: string,
): Promise<Served> {
  const http = await import("node:http");
  const server = http.createServer(async (req, res) => {
    try {
      const chunks: Uint8Array[] = [];
      for await (const chunk of req) chunks.push(chunk as Uint8Array);
      const body = chunks.length ? new Blob(chunks as BlobPart[]) : undefined;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === "string") headers.set(k, v);
        else if (Array.isArray(v)) { for (const x of v) headers.append(k, x); }
      }
      const abort = new AbortController();
      res.on("close", () => abort.abort());
      const request = new Request(`http://${req.headers.host ?? host}${req.url ?? "/"}`, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
        signal: abort.signal,
      });
      const response = await handler(request);
      res.statusCode = response.status;
      response.headers.forEach((v, k) => res.setHeader(k, v));
      res.end(new Uint8Array(await response.arrayBuffer()));
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://${host}:${actual}/api`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
