/**
 * Graceful stop on SIGTERM and SIGINT for long-lived `TaskHandler`s on Deno, Bun and Node. One
 * set of process listeners serves every handler of the process that asks for it: installed when
 * the first one starts, removed when the last one stops. The first signal stops them all (no new
 * polls, tasks in flight get their drain time, the rest go back to the queue) and then exits the
 * process with 128 + the signal's number (143 for SIGTERM, 130 for SIGINT); a second signal exits
 * at once. The runtime is detected when a handler starts, never at import time; where there are
 * no process signals (Cloudflare workerd, browsers) nothing is installed.
 *
 * @module
 */
import type { ResolvedLogger } from "./health.ts";

/** The signals handled, with the exit code the process ends with (128 + signal number). */
const SIGNALS = { SIGTERM: 143, SIGINT: 130 } as const;
type SignalName = keyof typeof SIGNALS;

/** A handler that stops on a signal. */
export interface SignalStoppable {
  /** Stops the handler (its signal drain time); resolves when it has stopped. */
  stopOnSignal(signal: string): Promise<void>;
}

interface Platform {
  add(signal: SignalName, listener: () => void): void;
  remove(signal: SignalName, listener: () => void): void;
  exit(code: number): void;
}

interface DenoSignals {
  addSignalListener(signal: string, listener: () => void): void;
  removeSignalListener(signal: string, listener: () => void): void;
  exit(code: number): never;
  build?: { os?: string };
}
interface NodeProcess {
  on(signal: string, listener: () => void): unknown;
  off?(signal: string, listener: () => void): unknown;
  removeListener(signal: string, listener: () => void): unknown;
  exit(code: number): never;
  pid?: number;
}

/** The process-signal API of this runtime, or undefined where there is none (workerd). */
function platform(): Platform | undefined {
  const g = globalThis as { Deno?: DenoSignals; process?: NodeProcess; navigator?: Navigator };
  const deno = g.Deno;
  if (deno && typeof deno.addSignalListener === "function") {
    return {
      add: (signal, listener) => {
        try {
          deno.addSignalListener(signal, listener);
        } catch {
          // Windows has no SIGTERM listener: go without it.
        }
      },
      remove: (signal, listener) => {
        try {
          deno.removeSignalListener(signal, listener);
        } catch {
          // never added
        }
      },
      exit: (code) => deno.exit(code),
    };
  }
  if (g.navigator?.userAgent === "Cloudflare-Workers") return undefined;
  const proc = g.process;
  if (proc && typeof proc.on === "function" && typeof proc.exit === "function" && proc.pid) {
    return {
      add: (signal, listener) => void proc.on(signal, listener),
      remove: (signal, listener) => void proc.removeListener(signal, listener),
      exit: (code) => proc.exit(code),
    };
  }
  return undefined;
}

const handlers = new Set<SignalStoppable>();
let installed: { platform: Platform; listeners: Map<SignalName, () => void> } | undefined;
let signalled = false;
let logger: ResolvedLogger | undefined;

/**
 * Stops `handler` on the process's next SIGTERM or SIGINT; answers whether the runtime has
 * process signals. Call {@link unwatchSignals} when it stops.
 */
export function watchSignals(handler: SignalStoppable, log: ResolvedLogger): boolean {
  const found = installed?.platform ?? platform();
  if (!found) return false;
  handlers.add(handler);
  logger ??= log;
  if (!installed) {
    const listeners = new Map<SignalName, () => void>();
    for (const name of Object.keys(SIGNALS) as SignalName[]) {
      const listener = () => onSignal(name);
      listeners.set(name, listener);
      found.add(name, listener);
    }
    installed = { platform: found, listeners };
  }
  return true;
}

/** Takes `handler` off; the last one off removes the process listeners. */
export function unwatchSignals(handler: SignalStoppable): void {
  handlers.delete(handler);
  if (handlers.size > 0 || !installed || signalled) return;
  removeListeners();
}

function removeListeners(): void {
  if (!installed) return;
  for (const [name, listener] of installed.listeners) installed.platform.remove(name, listener);
  installed = undefined;
  logger = undefined;
}

function onSignal(name: SignalName): void {
  const active = installed;
  if (!active) return;
  const code = SIGNALS[name];
  if (signalled) {
    logger?.info(`conductor-edge: second ${name}: exiting at once (${code})`);
    active.platform.exit(code);
    return;
  }
  signalled = true;
  logger?.info(
    `conductor-edge: ${name}: stopping the workers (no new polls; tasks in flight finish or go ` +
      `back to the queue), then exiting (${code}); a second signal exits at once`,
  );
  const stopping = [...handlers].map((handler) => handler.stopOnSignal(name));
  void Promise.allSettled(stopping).then(() => {
    removeListeners();
    active.platform.exit(code);
  });
}
