// The browser suites run the production server (the built Remix bundle), as
// the image does. Build it once per test run, and only when those suites can
// run at all. WEB_TEST_MODE=development runs them on the Vite dev server instead.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CHROMIUM_PATH } from "./support/browser.ts";

export default function setup(): void {
  const browserSuitesRun = Boolean(process.env.TEST_DATABASE_URL) && existsSync(CHROMIUM_PATH);
  if (!browserSuitesRun || process.env.WEB_TEST_MODE === "development") return;
  if (
    process.env.WEB_SKIP_BUILD === "1" &&
    existsSync(join(import.meta.dirname, "../build/server/index.js"))
  ) {
    return;
  }
  try {
    execFileSync("npx", ["remix", "vite:build"], {
      cwd: join(import.meta.dirname, ".."),
      stdio: "pipe",
    });
  } catch (error) {
    const output = error as { stdout?: Buffer; stderr?: Buffer };
    process.stderr.write(`${output.stdout ?? ""}${output.stderr ?? ""}`);
    throw error;
  }
}
