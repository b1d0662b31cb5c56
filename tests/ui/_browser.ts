/**
 * Headless Chromium for the UI tests: Debian's `chromium` driven by `playwright-core` (its own
 * browser download cannot be used). scripts/test.sh installs the package when it is missing; a
 * browser that cannot launch fails the test with the reason.
 *
 * @module
 */
import { existsSync, mkdirSync } from "node:fs";
import process from "node:process";
import { type Browser, chromium } from "playwright-core";

/** The Chromium executable (`CHROMIUM_PATH` overrides). */
export const CHROMIUM: string = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where screenshots go. */
export const SHOTS: string = new URL("../../test-results/ui/", import.meta.url).pathname;

/** Launches the browser, or throws saying why it cannot. */
export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: run "apt-get update && apt-get install -y chromium" (scripts/test.sh does it for the ui phase)`,
    );
  }
  mkdirSync(SHOTS, { recursive: true });
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
