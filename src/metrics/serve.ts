/**
 * Serving a {@link MetricsCollector}: a fetch handler for `/metrics` and `/health`, and a small
 * HTTP server for it on Deno (`Deno.serve`), Bun (`Bun.serve`) or Node (`node:http`, imported
 * only when called, under a computed name so that bundlers for the browser leave it alone).
 *
 * @module
 */
import type { MetricsCollector } from "./collector.ts";

/**
 * Where {@link serveMetrics} listens.
 *
 * @example
 * ```ts
 * import { type MetricsServerOptions } from "@conductor-edge/sdk";
 * const options: MetricsServerOptions = { port: 9991, hostname: "127.0.0.1" };
 * ```
 */
export interface MetricsServerOptions {
  /** The TCP port (0: a free one, see {@link MetricsServer.port}). */
  port: number;
  /**
   * The interface to listen on. Metrics carry no secrets, and a scraper usually runs on another
   * host, as with the peers (which listen on every interface).
   * @default "0.0.0.0"
   */
  hostname?: string;
}

/**
 * A running metrics server.
 *
 * @example
 * ```ts
 * import { MetricsCollector, serveMetrics } from "@conductor-edge/sdk";
 * const server = await serveMetrics(new MetricsCollector(), { port: 0, hostname: "127.0.0.1" });
 * console.log((await fetch(`${server.url}/health`)).status); // 200
 * await server.close();
 * ```
 */
export interface MetricsServer {
  /** The port it listens on. */
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
  /** Stops listening. */
  close(): Promise<void>;
}

/**
 * A fetch handler answering `GET /metrics` (the Prometheus text) and `GET /health` (`OK`), 404
 * for any other path and 405 for any other method: mount it in any framework or server.
 *
 * @example
 * ```ts
 * import { MetricsCollector, metricsFetchHandler } from "@conductor-edge/sdk";
 * const handle = metricsFetchHandler(new MetricsCollector());
 * const response = handle(new Request("http://localhost/metrics"));
 * console.log(response.headers.get("content-type")); // text/plain; version=0.0.4; charset=utf-8
 * ```
 */
export function metricsFetchHandler(collector: MetricsCollector): (request: Request) => Response {
  return (request) => {
    const path = new URL(request.url).pathname;
    if (path !== "/metrics" && path !== "/health" && path !== "/") {
      return new Response("Not found: try /metrics\n", {
        status: 404,
        headers: { "content-type": "text/plain" },
      });
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("Method not allowed\n", {
        status: 405,
        headers: { allow: "GET, HEAD", "content-type": "text/plain" },
      });
    }
    if (path === "/metrics") {
      return new Response(request.method === "HEAD" ? null : collector.text(), {
        headers: { "content-type": collector.contentType, "cache-control": "no-store" },
      });
    }
    return new Response("OK", { headers: { "content-type": "text/plain" } });
  };
}

interface DenoServe {
  serve(
    options: { hostname: string; port: number; onListen?: (addr: unknown) => void },
    handler: (request: Request) => Response,
  ): { addr: { port: number }; shutdown(): Promise<void> };
}

interface BunServe {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (request: Request) => Response;
  }): { port: number; stop(force?: boolean): void | Promise<void> };
}

interface NodeHttp {
  createServer(
    listener: (
      req: { url?: string; method?: string; headers: { host?: string } },
      res: {
        statusCode: number;
        setHeader(name: string, value: string): void;
        end(body?: Uint8Array | string): void;
      },
    ) => void,
  ): {
    once(event: "error", listener: (error: unknown) => void): void;
    listen(port: number, hostname: string, callback: () => void): void;
    address(): { port: number } | string | null;
    close(callback: () => void): void;
    closeAllConnections?(): void;
    unref?(): void;
  };
}

/**
 * Serves `/metrics` and `/health` of `collector` on a port, with what the runtime has:
 * `Deno.serve`, `Bun.serve`, or `node:http` (imported here, when called). A `TaskHandler` with
 * `metrics: { port }` calls this at `start()` and closes it at `stop()`.
 *
 * @throws {Error} Where the runtime can listen on no port (a browser, an edge isolate): serve
 * {@link metricsFetchHandler} or `collector.text()` from the platform's own handler instead.
 *
 * @example
 * ```ts
 * import { MetricsCollector, serveMetrics } from "@conductor-edge/sdk";
 * const server = await serveMetrics(new MetricsCollector(), { port: 0, hostname: "127.0.0.1" });
 * console.log(await (await fetch(`${server.url}/health`)).text()); // OK
 * await server.close();
 * ```
 */
export async function serveMetrics(
  collector: MetricsCollector,
  options: MetricsServerOptions,
): Promise<MetricsServer> {
  const port = options.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`metrics.port must be an integer 0-65535, got ${String(port)}`);
  }
  const hostname = options.hostname ?? "0.0.0.0";
  const handler = metricsFetchHandler(collector);
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const g = globalThis as unknown as { Deno?: DenoServe; Bun?: BunServe };
  if (g.Deno?.serve) {
    const server = g.Deno.serve({ hostname, port, onListen: () => {} }, handler);
    const actual = server.addr.port;
    return { port: actual, url: `http://${host}:${actual}`, close: () => server.shutdown() };
  }
  if (g.Bun?.serve) {
    const server = g.Bun.serve({ hostname, port, fetch: handler });
    const actual = server.port;
    return {
      port: actual,
      url: `http://${host}:${actual}`,
      close: async () => {
        await server.stop(true);
      },
    };
  }
  const specifier = ["node", "http"].join(":");
  let http: NodeHttp;
  try {
    http = await import(specifier) as NodeHttp;
  } catch {
    throw new Error(
      "serveMetrics: this runtime has no Deno.serve, Bun.serve or node:http: serve " +
        "metricsFetchHandler(collector) or collector.text() from your platform's handler",
    );
  }
  const server = http.createServer((req, res) => {
    const response = handler(
      new Request(`http://${req.headers.host ?? host}${req.url ?? "/"}`, {
        method: req.method ?? "GET",
      }),
    );
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    response.text().then((text) => res.end(text), () => res.end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return {
    port: actual,
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
