/**
 * The webhook example under Node (>= 20): bundled with `bun build --target node`, served through
 * a few lines of `node:http` glue that hand each request to the app's `fetch`, with the process
 * environment as the bindings record.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bin, describeEdgeRuntime, EXAMPLE, freePort, serveProcess } from "./hono_scenario.ts";

const SERVE = `import { createServer } from "node:http";
import app from "./app.mjs";
createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of [value].flat()) if (one !== undefined) headers.append(name, one);
  }
  const request = new Request(\`http://\${req.headers.host}\${req.url}\`, {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
  });
  const response = await app.fetch(request, process.env);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

describeEdgeRuntime("Node (node:http)", async (settings) => {
  const dir = mkdtempSync(join(tmpdir(), "hono-node-"));
  execFileSync(bin("bun"), [
    "build",
    EXAMPLE,
    "--target",
    "node",
    "--format",
    "esm",
    "--outfile",
    join(dir, "app.mjs"),
  ], { stdio: ["ignore", "ignore", "inherit"] });
  writeFileSync(join(dir, "serve.mjs"), SERVE);
  const port = await freePort();
  const edge = await serveProcess("node", [join(dir, "serve.mjs")], port, {
    ...settings,
    PORT: String(port),
  });
  return {
    url: edge.url,
    async stop() {
      await edge.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, /^(Node\.js\/\d+|)$/);
