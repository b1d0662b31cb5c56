/**
 * {@link Configuration} and {@link readEnv}: where the Conductor server is, how to authenticate,
 * and how requests are made. They live with the transport they configure (`./http/config.ts`);
 * this module re-exports them for the clients, workers and adapters above.
 *
 * @module
 */
export * from "./http/config.ts";
