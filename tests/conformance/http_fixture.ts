/**
 * A loopback HTTP server for the HTTP task scenarios (`node:http`, which Deno and Bun both
 * provide). Every answer is fixed and sends only headers that are stable between runs.
 *
 * Routes: `GET /json`, `GET /text`, `POST|PUT /echo` (echoes method, body and content type),
 * `GET /status/<code>` (answers that status with a JSON body), `GET /slow/<ms>` (answers after
 * `ms` of wall time).
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A started fixture. */
export interface HttpFixture {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Stops the server. */
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.sendDate = false;
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": String(new TextEncoder().encode(body).length),
    "X-Fixture": "conformance",
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of req) {
    text += typeof chunk === "string"
      ? chunk
      : decoder.decode(chunk as Uint8Array, { stream: true });
  }
  return text + decoder.decode();
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fixture");
  const path = url.pathname;
  if (path === "/json") {
    return send(
      res,
      200,
      "application/json",
      JSON.stringify({ hello: "world", count: 2, list: [1, 2, 3], nested: { ok: true } }),
    );
  }
  if (path === "/text") return send(res, 200, "text/plain", "plain words");
  if (path === "/echo") {
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // Not JSON: echo the text.
    }
    return send(
      res,
      200,
      "application/json",
      JSON.stringify({
        method: req.method,
        body,
        contentType: req.headers["content-type"] ?? null,
        custom: req.headers["x-custom"] ?? null,
        query: Object.fromEntries(url.searchParams),
      }),
    );
  }
  const status = path.match(/^\/status\/(\d{3})$/);
  if (status) {
    const code = Number(status[1]);
    return send(res, code, "application/json", JSON.stringify({ error: `status ${code}` }));
  }
  const slow = path.match(/^\/slow\/(\d+)$/);
  if (slow) {
    await new Promise((resolve) => setTimeout(resolve, Number(slow[1])));
    return send(res, 200, "application/json", JSON.stringify({ slow: true }));
  }
  send(res, 404, "application/json", JSON.stringify({ error: "no such route" }));
}

/** Starts the fixture on 127.0.0.1 and a free port. */
export async function startHttpFixture(): Promise<HttpFixture> {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, "text/plain", "fixture error"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
