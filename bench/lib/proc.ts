/**
 * Runs a contender as a child process and reads its CPU time: the summed utime + stime of the
 * child and all its descendants, from `/proc/<pid>/stat` (so a peer that forks worker processes,
 * like conductor-python, is measured whole). The child speaks the line protocol of
 * drivers/_env.ts; the CPU time is sampled the moment a line arrives.
 *
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";

let ticks: number | undefined;

/** Clock ticks per second for /proc times (`getconf CLK_TCK`, usually 100). */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  cpu: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: split after the last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
    const at = (field: number) => Number(fields[field - 3]);
    return { ppid: at(4), cpu: at(14) + at(15) + at(16) + at(17) };
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by `pid` and every live descendant of it. */
export function treeCpuSeconds(pid: number): number {
  const stats = new Map<number, ProcStat>();
  for (const name of readdirSync("/proc")) {
    const id = Number(name);
    if (!Number.isInteger(id)) continue;
    const stat = readStat(id);
    if (stat) stats.set(id, stat);
  }
  const children = new Map<number, number[]>();
  for (const [id, stat] of stats) {
    const list = children.get(stat.ppid) ?? [];
    list.push(id);
    children.set(stat.ppid, list);
  }
  let total = 0;
  const queue = [pid];
  while (queue.length) {
    const id = queue.pop()!;
    total += stats.get(id)?.cpu ?? 0;
    queue.push(...(children.get(id) ?? []));
  }
  return total / clockTicks();
}

/** Busy and total CPU time of the whole machine so far, all cores, in seconds (/proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1)
      .map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = fields[3] + fields[4];
    return { busy: (total - idle) / clockTicks(), total: total / clockTicks() };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** A protocol line from the child, with CPU readings taken when it arrived. */
export interface DriverLine {
  /** The value after the tag (a number for `first`/`done`, JSON for `latencies`). */
  value: string;
  /** The process tree's CPU seconds when the line was read. */
  cpuSeconds: number;
  /** The watched server process tree's CPU seconds then (NaN when none is watched). */
  serverCpuSeconds: number;
  /** The machine's busy and total CPU seconds then. */
  machine: { busy: number; total: number };
}

/** A running contender. */
export interface Driver {
  /** The child's process id. */
  pid: number;
  /** Resolves with the next line tagged `tag`; rejects if the child exits first or time runs out. */
  line(tag: string, timeoutMs: number): Promise<DriverLine>;
  /** Ends the child's process group (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `command args` with `env` added to this process's environment, in its own process group.
 * With `serverPid`, each line also carries that process tree's CPU time.
 */
export function startDriver(
  command: string,
  args: string[],
  env: Record<string, string>,
  serverPid?: number,
): Driver {
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  const seen = new Map<string, DriverLine[]>();
  const waiters = new Map<string, (line: DriverLine) => void>();
  let stderr = "";
  let exited: string | undefined;
  let onExit: ((why: string) => void) | undefined;
  let buffer = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const space = text.indexOf(" ");
      const tag = space < 0 ? text : text.slice(0, space);
      if (!["first", "cold", "done", "latencies", "ready", "result"].includes(tag)) continue;
      const line = {
        value: text.slice(space + 1),
        cpuSeconds: treeCpuSeconds(pid),
        serverCpuSeconds: serverPid === undefined ? NaN : treeCpuSeconds(serverPid),
        machine: machineCpuSeconds(),
      };
      const waiter = waiters.get(tag);
      if (waiter) {
        waiters.delete(tag);
        waiter(line);
      } else seen.set(tag, [...(seen.get(tag) ?? []), line]);
    }
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exitedPromise = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      onExit?.(exited);
      resolve();
    });
  });
  const describe = () => `${command} ${args.join(" ")}`;
  return {
    pid,
    line(tag, timeoutMs) {
      const queued = seen.get(tag);
      if (queued?.length) return Promise.resolve(queued.shift()!);
      if (exited) return Promise.reject(new Error(`${describe()} ${exited}: ${stderr}`));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(tag);
          reject(new Error(`${describe()}: no "${tag}" line within ${timeoutMs} ms: ${stderr}`));
        }, timeoutMs);
        onExit = (why) => {
          clearTimeout(timer);
          reject(new Error(`${describe()} ${why} before "${tag}": ${stderr}`));
        };
        waiters.set(tag, (line) => {
          clearTimeout(timer);
          onExit = undefined;
          resolve(line);
        });
      });
    },
    async stop() {
      if (exited) return;
      const kill = (signal: "SIGTERM" | "SIGKILL") => {
        try {
          process.kill(-pid, signal);
        } catch { /* already gone */ }
      };
      kill("SIGTERM");
      const timer = setTimeout(() => kill("SIGKILL"), 3000);
      await exitedPromise;
      clearTimeout(timer);
      kill("SIGKILL"); // grandchildren that ignored SIGTERM
    },
  };
}
