/**
 * A server address a test can take down and bring back on the same port, keeping the server's
 * data: for the embedded engine, a listener of its own over the same engine object (stopped and
 * started again on the same port); for the real server, a loopback TCP proxy in front of it
 * (closed, its connections cut, and listening again), which is what an outage looks like to a
 * worker anyway. Also the address for child processes when the test server has no socket.
 *
 * @module
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { listen, type Served } from "../../src/server/listen.ts";
import type { TestServer } from "../_support/server.ts";

/** An address in front of the test server that can go down and come back. */
export interface Restartable {
  /** `http://127.0.0.1:PORT/api`, the same across restarts. */
  apiUrl: string;
  /** Stops answering: the listener closes and open connections are cut. */
  stop(): Promise<void>;
  /** Answers again on the same port. */
  start(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
}

/** An address in front of `server` (the embedded engine's own listener, or a TCP proxy). */
export async function restartable(server: TestServer): Promise<Restartable> {
  const embedded = server.embedded;
  if (embedded) {
    const handler = (request: Request) => embedded.fetch(request);
    let served: Served | undefined = await listen(handler, "127.0.0.1", 0);
    const apiUrl = served.url;
    const port = Number(new URL(apiUrl).port);
    return {
      apiUrl,
      async stop() {
        const s = served;
        served = undefined;
        await s?.stop();
      },
      async start() {
        served ??= await listen(handler, "127.0.0.1", port);
      },
      async close() {
        const s = served;
        served = undefined;
        await s?.stop();
      },
    };
  }
  const target = new URL(server.apiUrl);
  const targetPort = Number(target.port || 80);
  const sockets = new Set<Socket>();
  let proxy: Server | undefined;
  const open = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = createConnection({ host: target.hostname, port: targetPort });
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => resolve(s));
    });
  proxy = await open(0);
  const port = (proxy.address() as AddressInfo).port;
  const down = async () => {
    const s = proxy;
    proxy = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  return {
    apiUrl: `http://127.0.0.1:${port}${target.pathname.replace(/\/+$/, "")}`,
    stop: down,
    async start() {
      proxy ??= await open(port);
    },
    close: down,
  };
}
