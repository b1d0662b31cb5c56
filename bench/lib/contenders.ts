/**
 * The contenders: who runs the worker (and the sync execute), on which runtime, with which
 * command. Each runs as its own child process speaking the protocol of drivers/_env.ts.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot: string = fileURLToPath(new URL("../../", import.meta.url));
const drivers = fileURLToPath(new URL("../drivers/", import.meta.url));

/** Where bench/setup.sh installed the peers (BENCH_PEERS_DIR, default bench/.peers). */
export function peersDir(env: Record<string, string | undefined>): string {
  return env.BENCH_PEERS_DIR ?? fileURLToPath(new URL("../.peers/", import.meta.url));
}

/** One contender. */
export interface Contender {
  /** Short id used in the JSON and on the command line (`ours-deno`). */
  id: string;
  /** Label for tables and the chart. */
  label: string;
  /** The command and arguments that start its driver. */
  command(): [string, string[]];
  /** Extra environment for the driver. */
  env(): Record<string, string>;
  /** Why it cannot run here, or undefined when it can. */
  unavailable(): string | undefined;
}

const ourWorker = `${repoRoot}src/worker/mod.ts`;
const needOurs = () =>
  existsSync(ourWorker) ? undefined : "our worker runtime (src/worker/mod.ts) has not landed";

/** All contenders, by id. */
export function contenders(env: Record<string, string | undefined>): Map<string, Contender> {
  const peers = peersDir(env);
  const jsEntry = `${peers}/js/node_modules/@io-orkes/conductor-javascript/dist/index.mjs`;
  const python = `${peers}/py/bin/python`;
  const list: Contender[] = [
    {
      id: "ours-deno",
      label: "conductor-edge (Deno)",
      command: () => ["deno", ["run", "-A", `${drivers}ours.ts`]],
      env: () => ({}),
      unavailable: needOurs,
    },
    {
      id: "ours-bun",
      label: "conductor-edge (Bun)",
      command: () => ["bun", ["run", `${drivers}ours.ts`]],
      env: () => ({}),
      unavailable: needOurs,
    },
    {
      id: "js-peer",
      label: "conductor-javascript 4 (Node)",
      command: () => ["node", [`${drivers}js_peer.mjs`]],
      // The peer logs every task update when CI is set; a benchmark must not pay for that.
      env: () => ({ BENCH_JS_PEER_ENTRY: jsEntry, CI: "" }),
      unavailable: () =>
        existsSync(jsEntry) ? undefined : `not installed (${jsEntry}); run bench/setup.sh`,
    },
    {
      id: "py-peer",
      label: "conductor-python 2 (CPython)",
      command: () => [python, [`${drivers}py_peer.py`]],
      env: () => ({ PYTHONUNBUFFERED: "1" }),
      unavailable: () =>
        existsSync(python) ? undefined : `not installed (${python}); run bench/setup.sh`,
    },
    {
      id: "raw-deno",
      label: "raw fetch loop (Deno)",
      command: () => ["deno", ["run", "-A", `${drivers}raw.ts`]],
      env: () => ({}),
      unavailable: () => undefined,
    },
    {
      id: "raw-bun",
      label: "raw fetch loop (Bun)",
      command: () => ["bun", ["run", `${drivers}raw.ts`]],
      env: () => ({}),
      unavailable: () => undefined,
    },
  ];
  return new Map(list.map((c) => [c.id, c]));
}
