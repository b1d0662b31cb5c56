/**
 * Writes executions to an SQLite store as fast as it can, one transaction each, and prints
 * `ack <n>` after each commit returns: what a server would have acknowledged. The test kills it
 * with SIGKILL mid-stream. Usage: `<runtime> store_kill_child.ts FILE`.
 *
 * @module
 */
import process from "node:process";
import { openSqliteStore } from "../../src/server/store/sqlite.ts";
import { taskRecord, workflowRecord } from "../unit/store_contract.ts";

const file = process.argv[process.argv.length - 1];
const store = await openSqliteStore(file);
for (let n = 0;; n++) {
  const id = `w${n}`;
  store.transaction(() => {
    store.putExecution(workflowRecord(id, [taskRecord(id, `t${n}`, { outputData: { n } })]));
    store.pushMessage("q", `t${n}`, 0, 0, 0);
    store.putTimer({ key: `due:${id}`, kind: "timeout", workflowId: id, dueAt: 1000 + n });
  });
  process.stdout.write(`ack ${n}\n`);
  if (n % 100 === 99) await new Promise((r) => setTimeout(r, 0)); // let stdout drain
}
