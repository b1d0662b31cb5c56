/**
 * Cloudflare Workers entry of the client smoke scenario (bundled, run in workerd): the
 * configuration comes from the bindings record, the report is the JSON response.
 *
 * @module
 */
import { Configuration } from "../../mod.ts";
import { clientSmoke } from "./client_smoke.ts";

export default {
  async fetch(request: Request, env: Record<string, string>): Promise<Response> {
    // Any other path answers at once, so the test can wait for workerd to listen.
    if (new URL(request.url).pathname !== "/smoke") return new Response("ready");
    try {
      return Response.json(await clientSmoke(Configuration.fromEnv(env)));
    } catch (error) {
      const e = error as Error;
      return Response.json({ error: `${e.name}: ${e.message}` }, { status: 500 });
    }
  },
};
