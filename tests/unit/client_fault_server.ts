/**
 * A tiny fault-injecting HTTP server on 127.0.0.1 (port 0) for the client transport tests:
 * each test scripts the answers and reads back what the client sent. node:http runs under
 * Deno, Bun and Node alike.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the client sent. */
export interface SeenRequest {
  method: string;
  /** Path without the `/api` prefix and without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Date.now() when it arrived. */
  at: number;
  /** How it ended: answered, or the client closed the connection before the answer. */
  outcome?: "answered" | "closed by the client";
}

/** How the server answers one request. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON unless it is a string. */
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** A running fault server. */
export interface FaultServer {
  /** `http://127.0.0.1:PORT/api`. */
  apiUrl: string;
  /** Every request, in order. */
  seen: SeenRequest[];
  /** Requests to one path. */
  count(path: string): number;
  close(): Promise<void>;
}

/** Starts a server whose answers come from `answer`. */
export async function startFaultServer(
  answer: (request: SeenRequest, index: number) => ScriptedAnswer,
): Promise<FaultServer> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of req) chunks.push(chunk as Uint8Array);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const request: SeenRequest = {
      method: req.method ?? "GET",
      path: url.pathname.replace(/^\/api/, ""),
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      at: Date.now(),
    };
    seen.push(request);
    res.on("close", () => {
      request.outcome ??= res.writableFinished ? "answered" : "closed by the client";
    });
    const scripted = answer(request, seen.length - 1);
    if (scripted.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs));
    const body = scripted.body === undefined
      ? ""
      : typeof scripted.body === "string"
      ? scripted.body
      : JSON.stringify(scripted.body);
    const headers: Record<string, string> = { ...scripted.headers };
    if (body !== "" && !headers["content-type"]) {
      headers["content-type"] = typeof scripted.body === "string"
        ? "text/plain;charset=UTF-8"
        : "application/json";
    }
    if (!res.destroyed) {
      res.writeHead(scripted.status, headers);
      res.end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    seen,
    count: (path) => seen.filter((r) => r.path === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** An unsigned JWT whose `exp` is `expSeconds` (epoch seconds). */
export function fakeJwt(expSeconds: number, subject = "worker"): string {
  const encode = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: subject, exp: expSeconds })}.sig`;
}
