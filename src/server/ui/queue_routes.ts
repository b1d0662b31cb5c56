/**
 * The task queue handler: each defined task type's queue size and poll data, through the SDK's
 * metadata and task clients.
 *
 * @module
 */
import type { Hono } from "hono";
import type { UiContext } from "./context.ts";
import { type QueueRow, taskQueuePage } from "./queue_page.ts";

/** Mounts `/taskQueue`. */
export function mountQueueRoutes(app: Hono, ui: UiContext): void {
  const { view, tasks, metadata, render, fail } = ui;
  app.get("/taskQueue", async (c) => {
    try {
      const names = (await metadata.getTaskDefs()).map((d) => d.name).sort().slice(0, 500);
      const sizes = names.length > 0 ? await tasks.getQueueSizes(names) : {};
      const rows: QueueRow[] = [];
      for (let i = 0; i < names.length; i += 16) {
        const part = names.slice(i, i + 16);
        const polls = await Promise.all(part.map((n) => tasks.getPollData(n).catch(() => [])));
        part.forEach((n, j) => rows.push({ taskType: n, size: sizes[n] ?? 0, polls: polls[j] }));
      }
      return render(
        c,
        { title: "Task queues", section: "/taskQueue" },
        taskQueuePage(view, rows),
      );
    } catch (e) {
      return fail(c, "Task queues", e);
    }
  });
}
