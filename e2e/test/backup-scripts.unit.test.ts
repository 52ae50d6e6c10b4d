// Level: unit (real sh, shellcheck and php -l on the scripts the backup and
// restore Jobs run; the engine suites run them for real end to end). What
// those runs cannot provoke cheaply: refusals before any work, with the
// variable named.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const DIR = resolve(import.meta.dirname, "../../images/backup");
const SCRIPTS = ["backup.sh", "restore.sh"].map((s) => resolve(DIR, s));
const haveShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
const requireShellcheck = process.env.REQUIRE_SHELLCHECK === "1" || process.env.CI === "true";
const havePhp = spawnSync("php", ["--version"]).status === 0;

const sh = (script: string, env: Record<string, string>) =>
  spawnSync("sh", [resolve(DIR, script)], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
  });

describe("backup and restore scripts — static checks", () => {
  it.each(SCRIPTS)("%s parses under sh -n", (script) => {
    const result = spawnSync("sh", ["-n", script], { encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
  });

  (haveShellcheck || requireShellcheck ? it : it.skip)(
    haveShellcheck ? "pass shellcheck" : "shellcheck — skipped: shellcheck not installed",
    () => {
      const result = spawnSync("shellcheck", ["--shell=sh", ...SCRIPTS], { encoding: "utf8" });
      expect(result.status, result.stdout).toBe(0);
    },
  );

  (havePhp ? it : it.skip)(
    havePhp ? "rewrite-url.php parses" : "php -l — skipped: php not installed",
    () => {
      const result = spawnSync("php", ["-l", resolve(DIR, "rewrite-url.php")], {
        encoding: "utf8",
      });
      expect(result.status, result.stdout).toBe(0);
    },
  );
});

describe("backup and restore scripts — refusals before any work", () => {
  it("backup.sh names a missing engine and refuses an unknown one, uploading nothing", () => {
    const missing = sh("backup.sh", { BACKUP_STORE: "s", BACKUP_ID: "b" });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("BACKUP_ENGINE must be set (medusa | woocommerce)");
    const unknown = sh("backup.sh", {
      BACKUP_ENGINE: "magento",
      BACKUP_STORE: "s",
      BACKUP_ID: "b",
      STOREPLANE_BACKUP: "false",
    });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('BACKUP_ENGINE must be medusa or woocommerce, got "magento"');
    expect(unknown.stdout).not.toContain("uploading");
  });

  it("backup.sh names a missing database variable", () => {
    const result = sh("backup.sh", {
      BACKUP_ENGINE: "woocommerce",
      BACKUP_STORE: "s",
      BACKUP_ID: "b",
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("WORDPRESS_DB_HOST must be set");
  });

  it("restore.sh refuses to run without the sha256 recorded at backup time", () => {
    const result = sh("restore.sh", {
      BACKUP_ENGINE: "medusa",
      RESTORE_FROM_STORE: "s",
      RESTORE_BACKUP_ID: "b",
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      "RESTORE_MANIFEST_SHA256 must be set (the sha256 recorded at backup time)",
    );
  });

  it("restore.sh changes nothing when the download step fails", () => {
    const result = sh("restore.sh", {
      BACKUP_ENGINE: "medusa",
      RESTORE_FROM_STORE: "s",
      RESTORE_BACKUP_ID: "b",
      RESTORE_MANIFEST_SHA256: "0".repeat(64),
      STOREPLANE_BACKUP: "false",
      PGHOST: "db.invalid",
      PGDATABASE: "medusa",
      PGUSER: "medusa",
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      "backup b not restored: its objects could not be fetched and verified (nothing was changed)",
    );
    expect(result.stdout).not.toContain("replacing the store's data");
  });
});
