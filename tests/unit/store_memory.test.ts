/**
 * The memory store against the store contract, handing back its own objects (the engine's
 * default) and handing back copies (as a SQL store does).
 */
import { createMemoryStore } from "../../src/server/store/memory.ts";
import { runStoreContract } from "./store_contract.ts";

runStoreContract("memory", () => createMemoryStore());
runStoreContract("memory (copies)", () => createMemoryStore({ copies: true }));
