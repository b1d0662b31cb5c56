/**
 * An edge cron worker (bundled, run in workerd beside the engine): its `scheduled` handler drains
 * the `edge_cron_greet` tasks of the Conductor named by its bindings with `TaskHandler.drain`.
 *
 * @module
 */
import { Configuration, TaskHandler, workerTask } from "../../mod.ts";

const greet = workerTask(
  { taskDefName: "edge_cron_greet" },
  (input: { n: number }) => `hello ${input.n} from cron`,
);

export default {
  async scheduled(
    _event: unknown,
    env: Record<string, string>,
    ctx: { waitUntil(p: Promise<unknown>): void },
  ): Promise<void> {
    const drained = new TaskHandler({
      configuration: Configuration.fromEnv(env),
      workers: [greet],
      env: {},
    }).drain({ maxTasks: 10, deadlineMs: 20_000 });
    ctx.waitUntil(drained);
    await drained;
  },
};
