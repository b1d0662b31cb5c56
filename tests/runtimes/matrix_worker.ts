/**
 * Cloudflare Workers entry of the runtime matrix scenario (bundled, run in workerd): configured
 * from the bindings record with `Configuration.fromEnv(env)`, worker tasks served by one-shot
 * drains inside the request; the report is the JSON response.
 *
 * @module
 */
import { Configuration } from "../../mod.ts";
import { matrixScenario } from "./matrix_scenario.ts";

export default {
  async fetch(request: Request, env: Record<string, string>): Promise<Response> {
    // Any other path answers at once, so the test can wait for workerd to listen.
    if (new URL(request.url).pathname !== "/matrix") return new Response("ready");
    try {
      return Response.json(
        await matrixScenario(Configuration.fromEnv(env), { longLived: false }),
      );
    } catch (error) {
      const e = error as Error;
      return Response.json({ error: `${e.name}: ${e.message}` }, { status: 500 });
    }
  },
};
