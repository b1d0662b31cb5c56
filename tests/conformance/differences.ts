/**
 * The only places where the embedded engine may observe something other than the real server.
 * Each entry is listed, with its reason, in the README section "Embedded engine vs real server:
 * deliberate differences" (a test checks that), and the conformance test prints how many
 * scenarios each one excuses. Keep both lists short and honest.
 *
 * - {@link deliberateDifferences}: a difference we keep on purpose; the listed paths of the
 *   scenario's observations are masked on both sides, everything else must still match.
 * - {@link notYetInEngine}: task types or operator APIs (`covers` tokens, task types found in the
 *   definitions included) the embedded engine does not implement yet. A scenario covering one
 *   still runs and is compared: a match counts as identical, a mismatch is reported as pending
 *   (printed, and counted in the table) instead of failing. The table says when every scenario
 *   of a token is identical, so the token can leave the list.
 *
 * Neither list applies to the real server: there every golden must hold exactly.
 *
 * @module
 */

/** A deliberate difference: masked paths of one scenario (or `*` for every scenario). */
export interface DeliberateDifference {
  /** Scenario name, or `*`. */
  scenario: string;
  /**
   * Dot paths into each observation (`workflow.tasks.*.reason`); `*` matches any key or index.
   * Matching values are replaced by `<excused>` on both sides before comparing.
   */
  paths: string[];
  /** Why the engine differs here on purpose. */
  reason: string;
}

/** Differences kept on purpose (see the README table). */
export const deliberateDifferences: DeliberateDifference[] = [];

/** A `covers` token the embedded engine does not implement yet, and what is missing. */
export interface NotYetInEngine {
  /** A task type (`HTTP`) or operator API (`op:test`) from scenario `covers`. */
  covers: string;
  /** What is missing. */
  reason: string;
}

/** Task types / operator APIs the embedded engine does not implement yet (see the README). */
export const notYetInEngine: NotYetInEngine[] = [];

/**
 * Task types the engine in a Cloudflare Durable Object (`CONDUCTOR_TEST_SERVER=edge`) refuses on
 * purpose: a scenario covering one must end with the refusal's reason (`refusal`, found in its
 * observations or its error) and is counted as refused; one that matches the golden anyway
 * counts as identical. Listed in the README's edge section.
 */
export const refusedOnEdge: { covers: string; refusal: string; reason: string }[] = [{
  covers: "JSON_JQ_TRANSFORM",
  refusal: "JSON_JQ_TRANSFORM is not available in the Cloudflare Durable Object engine",
  reason: "jq's WebAssembly has no interrupt: a query that never ends would hold the object",
}];
