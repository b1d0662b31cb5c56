/**
 * The fetch transport and the error family. Clients use {@link Transport}; applications mostly
 * meet the errors.
 *
 * @module
 */
export * from "./errors.ts";
export {
  type CallOptions,
  type QueryValue,
  Transport,
  type TransportRequest,
} from "./transport.ts";
