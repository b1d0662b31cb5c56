/**
 * Holds an SQLite file open with the store's driver (and so its exclusive lock) until its stdin
 * closes: the "another process has the file" side of the lock tests. Prints `ready` once the
 * lock is held. Usage: `deno run -A sqlite_holder.ts FILE` or `bun sqlite_holder.ts FILE`.
 *
 * @module
 */
import process from "node:process";
import { openSqlite } from "../../src/server/store/sqlite_driver.ts";

const file = process.argv[process.argv.length - 1];
const db = await openSqlite(file, {
  migrations: [{ to: 1, up: (d) => d.exec("CREATE TABLE IF NOT EXISTS held (x INTEGER)") }],
});
db.transaction(() => db.prepare("INSERT INTO held VALUES (?)").run(1));
console.log("ready");
process.stdin.resume();
process.stdin.on("end", () => {
  db.close();
  process.exit(0);
});
