// Level: unit (real sh, and shellcheck when installed, on the script the
// verify Job runs; backup-verify-*.engine.test.ts run it end to end). What
// those runs cannot provoke cheaply: refusals before any work, each naming
// the variable or the rule.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SCRIPT = resolve(import.meta.dirname, "../../images/backup/verify.sh");
const haveShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
const requireShellcheck = process.env.REQUIRE_SHELLCHECK === "1" || process.env.CI === "true";

const verify = (env: Record<string, string>, ...args: string[]) =>
  spawnSync("sh", [SCRIPT, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
  });
const base = {
  BACKUP_ENGINE: "medusa",
  RESTORE_FROM_STORE: "s",
  RESTORE_BACKUP_ID: "b",
  RESTORE_MANIFEST_SHA256: "0".repeat(64),
};

describe("verify.sh", () => {
  it("parses under sh -n", () => {
    const result = spawnSync("sh", ["-n", SCRIPT], { encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
  });

  (haveShellcheck || requireShellcheck ? it : it.skip)(
    haveShellcheck ? "passes shellcheck" : "shellcheck — skipped: shellcheck not installed",
    () => {
      const result = spawnSync("shellcheck", ["--shell=sh", SCRIPT], { encoding: "utf8" });
      expect(result.status, result.stdout).toBe(0);
    },
  );

  it("refuses an unknown phase and an unknown engine", () => {
    const phase = verify(base, "everything");
    expect(phase.status).toBe(1);
    expect(phase.stderr).toContain('unknown phase "everything" (all | restore | check | cleanup)');
    const engine = verify({ ...base, BACKUP_ENGINE: "magento" });
    expect(engine.status).toBe(1);
    expect(engine.stderr).toContain('BACKUP_ENGINE must be medusa or woocommerce, got "magento"');
  });

  it("refuses a scratch database name that is not a plain identifier (it is quoted into SQL)", () => {
    const result = verify({ ...base, VERIFY_DATABASE: 'x"; DROP DATABASE medusa; --' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("VERIFY_DATABASE must be lower-case letters, digits and _");
  });

  it("needs the state folder when the phases run in separate containers", () => {
    const result = verify(base, "check");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("VERIFY_STATE_DIR must be set for the check phase");
  });

  it("creates no database when the download step fails", () => {
    // psql on PATH would be the next command; a failing download must stop before it.
    const result = verify({
      ...base,
      STOREPLANE_BACKUP: "false",
      PGHOST: "db.invalid",
      PGUSER: "u",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("verify: FAILED: backup b cannot be fetched and verified");
    expect(result.stdout).not.toContain("restoring into the scratch database");
  });
});
