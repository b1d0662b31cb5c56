/**
 * Cloudflare Workers entry of the worker scenario (bundled, run in workerd): a one-shot drain
 * inside a request, configured from the bindings record; the report is the JSON response.
 *
 * @module
 */
import { Configuration } from "../../mod.ts";
import { drainScenario } from "./worker_drain_scenario.ts";

export default {
  async fetch(request: Request, env: Record<string, string>): Promise<Response> {
    // Any other path answers at once, so the test can wait for workerd to listen.
    if (new URL(request.url).pathname !== "/drain") return new Response("ready");
    try {
      return Response.json(await drainScenario(Configuration.fromEnv(env), { longLived: false }));
    } catch (error) {
      const e = error as Error;
      return Response.json({ error: `${e.name}: ${e.message}` }, { status: 500 });
    }
  },
};
