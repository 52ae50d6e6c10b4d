// How the real-engine suites run, skip or fail on a machine that may lack what
// they need: a suite whose prerequisite is missing is skipped with the reason
// in its title (scripts/test.mjs lists it, and it never counts as a pass), and
// when CI demands it (REQUIRE_MEDUSA=1, REQUIRE_WOOCOMMERCE=1, REQUIRE_CHROMIUM=1)
// the missing prerequisite is a failing test instead.
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { describe, it } from "vitest";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// The flags of apps/web/test/support/browser.ts: Debian's Chromium, headless, as root in CI.
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface Requirement {
  /** The environment variable that makes the suite mandatory when set to 1. */
  requireVar: string;
  /** Why the suite cannot run here, or null when it can. */
  problem: string | null | undefined;
}

/**
 * `describe(title, body)` when the requirement is met; otherwise a visible
 * skip named `<name> — skipped: <problem>`, or, with `<requireVar>=1`, a
 * suite `<name> (<requireVar>=1)` whose one test fails with the problem.
 */
export function describeEngine(
  name: string,
  title: string,
  requirement: Requirement,
  body: () => void,
): void {
  const { problem, requireVar } = requirement;
  if (!problem) {
    describe(title, body);
  } else if (process.env[requireVar] === "1") {
    describe(`${name} (${requireVar}=1)`, () => {
      it("has what it needs to run", () => {
        throw new Error(`${requireVar}=1 but the suite cannot run: ${problem}`);
      });
    });
  } else {
    describe.skip(`${name} — skipped: ${problem}`, () => {
      it(title, () => {});
    });
  }
}

/**
 * A test that drives Debian's Chromium: skipped with the reason in its title
 * when there is none, failing instead with REQUIRE_CHROMIUM=1.
 */
export function itInChromium(
  name: string,
  body: (launch: () => Promise<Browser>) => Promise<void>,
  timeoutMs: number,
): void {
  const haveChromium = existsSync(CHROMIUM_PATH);
  const required = process.env.REQUIRE_CHROMIUM === "1";
  const title = haveChromium
    ? name
    : `${name} — skipped: no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`;
  (haveChromium || required ? it : it.skip)(
    title,
    async () => {
      if (!haveChromium) {
        throw new Error(`REQUIRE_CHROMIUM=1 but no Chromium at ${CHROMIUM_PATH}`);
      }
      const { chromium } = await import("playwright-core");
      await body(() =>
        chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS }),
      );
    },
    timeoutMs,
  );
}
