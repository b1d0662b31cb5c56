/**
 * The suites in this folder run only in the real-server phase (`scripts/test.sh` lists this
 * folder there and nowhere else): what stays here needs the real server itself (restarting its
 * process through `scripts/conductor-server.sh`). The scheduler, event handler and listing suites
 * moved to tests/integration/ once the embedded engine served them. Run against another server
 * kind a suite here fails at once, naming what it needs, rather than pass without checking.
 *
 * @module
 */
import { testServerKind } from "../_support/server.ts";

/** Throws unless the suite runs against the real Conductor server. */
export function requireRealServer(missing: string): void {
  const kind = testServerKind();
  if (kind !== "real") {
    throw new Error(
      `this suite needs the real Conductor server (CONDUCTOR_TEST_SERVER=real), not ${kind}: ` +
        `the embedded engine does not serve ${missing} yet`,
    );
  }
}
