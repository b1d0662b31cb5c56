/**
 * The task queue page (`/taskQueue`): each task type's waiting tasks and who polled it last.
 *
 * @module
 */
import type { PollData } from "../../model/mod.ts";
import { type Html, html, time } from "./html.ts";
import { enc, type View } from "./view.ts";

/** One row of the queue page. */
export interface QueueRow {
  /** The task type. */
  taskType: string;
  /** Tasks waiting. */
  size: number;
  /** Who polled, per queue. */
  polls: PollData[];
}

/** `/taskQueue`. */
export function taskQueuePage(v: View, rows: QueueRow[]): Html {
  return html`
    <h1>Task queues</h1>
    <table data-testid="queues">
      <thead>
        <tr>
          <th>Task type</th>
          <th>Waiting</th>
          <th>Last polled by</th>
          <th>Domain</th>
          <th>Last poll</th>
        </tr>
      </thead>
      <tbody>${rows.map((r) => {
        const polls = r.polls.length > 0 ? r.polls : [{} as PollData];
        return polls.map((p, i) =>
          html`<tr>${
            i === 0
              ? html`
                <td rowspan="${polls.length}"><a href="${v.base}/taskDef/${enc(r.taskType)}">${r
                  .taskType}</a></td>
                <td rowspan="${polls.length}">${r.size}</td>
              `
              : ""
          }<td>${p.workerId ?? "–"}</td><td>${p.domain ?? ""}</td><td>${
            time(p.lastPollTime)
          }</td></tr>`
        );
      })}</tbody>
    </table>
  `;
}
