/**
 * WAIT: stays IN_PROGRESS until signalled (`POST /tasks/{wf}/{ref}/{status}` or the signal
 * endpoints), or, with input `duration` (`"1h 30m"`, `"10s"`) or `until`
 * (`yyyy-MM-dd HH:mm[ z]`, `yyyy-MM-dd`, UTC), completes by itself once that time passes on
 * the engine's clock. Both given, or an unreadable value: FAILED_WITH_TERMINAL_ERROR.
 *
 * @module
 */
import type { SystemTaskContext, SystemTaskType } from "../system_tasks.ts";

/** A timed WAIT's stored state: when it ends (off the task's JSON; the server shows none). */
interface WaitState {
  deadline: number;
}

/** Whether a WAIT waits for a signal (no duration, no until), as sync execute counts blocking. */
export function isSignalWait(input: Record<string, unknown> | undefined): boolean {
  return !input?.duration && !input?.until;
}

const UNIT_SECONDS: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };

/** Seconds in a duration such as `"1h 30m"`, or undefined when it does not parse. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])/gi;
  let total = 0;
  let matched = false;
  let rest = text;
  for (const m of text.matchAll(re)) {
    matched = true;
    const unit = m[2].toLowerCase();
    const key = unit.startsWith("d")
      ? "d"
      : unit.startsWith("h")
      ? "h"
      : unit.startsWith("m")
      ? "m"
      : "s";
    total += Number(m[1]) * UNIT_SECONDS[key];
    rest = rest.replace(m[0], "");
  }
  return matched && rest.trim() === "" ? total : undefined;
}

/** Epoch ms of an `until` value, or undefined when it does not parse. */
export function parseUntil(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?(?:\s*(\S+))?$/.exec(text.trim());
  if (!m) return undefined;
  const zone = m[3] && m[3] !== "UTC" && m[3] !== "GMT" && m[3] !== "Z" ? m[3] : "Z";
  const t = Date.parse(`${m[1]}T${m[2] ?? "00:00"}:00${zone === "Z" ? "Z" : zone}`);
  return Number.isNaN(t) ? undefined : t;
}

function fail(ctx: SystemTaskContext, reason: string): void {
  ctx.task.status = "FAILED_WITH_TERMINAL_ERROR";
  ctx.task.reasonForIncompletion = reason;
  ctx.task.endTime = ctx.host.now();
}

/** The WAIT type. */
export const waitTask: SystemTaskType = {
  type: "WAIT",
  async: true,
  initialStatus: "IN_PROGRESS",
  validate(task) {
    const input = task.inputParameters ?? {};
    return input.duration && input.until
      ? ["Both 'duration' and 'until' specified. Please provide only one input"]
      : [];
  },
  start(ctx) {
    const input = ctx.task.inputData ?? {};
    const duration = input.duration;
    const until = input.until;
    if (duration && until) {
      fail(ctx, "Both 'duration' and 'until' specified. Please provide only one input");
      return;
    }
    let at: number | undefined;
    if (duration) {
      const seconds = parseDuration(String(duration));
      if (seconds === undefined) {
        fail(ctx, `Invalid duration format: ${duration}`);
        return;
      }
      at = ctx.host.now() + seconds * 1000;
    } else if (until) {
      at = parseUntil(String(until));
      if (at === undefined) {
        fail(ctx, `Invalid/Unsupported Wait Until format.  Provided: ${until}`);
        return;
      }
    }
    if (at !== undefined) {
      const waitMs = Math.max(0, at - ctx.host.now());
      ctx.task.callbackAfterSeconds = Math.ceil(waitMs / 1000);
      ctx.host.setTaskState<WaitState>(ctx.task.taskId!, { deadline: at });
    }
  },
  execute(ctx) {
    const at = ctx.host.getTaskState<WaitState>(ctx.task.taskId!)?.deadline;
    if (at === undefined) return false;
    const left = at - ctx.host.now();
    if (left > 0) {
      ctx.host.executeLater(ctx.task, left);
      return false;
    }
    ctx.task.status = "COMPLETED";
    ctx.task.endTime = ctx.host.now();
    ctx.host.clearTaskState(ctx.task.taskId!);
    return true;
  },
};
