// Level: unit (real sh, shellcheck and php -l on the scripts the backup,
// restore and verify Jobs run; the engine suites run them for real end to end). What
// those runs cannot provoke cheaply: refusals before any work, with the
// variable named.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const DIR = resolve(import.meta.dirname, "../../images/backup");
const SCRIPTS = ["backup.sh", "restore.sh"].map((s) => resolve(DIR, s));
const haveShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
const requireShellcheck = process.env.REQUIRE_SHELLCHECK === "1" || process.env.CI === "true";
const havePhp = spawnSync("php", ["--version"]).status === 0;

const sh = (script: string, env: Record<string, string>, args: string[] = []) =>
  spawnSync("sh", [resolve(DIR, script), ...args], {
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

  describe("the two phases of the WooCommerce restore Job", () => {
    const base = {
      BACKUP_ENGINE: "medusa",
      RESTORE_FROM_STORE: "s",
      RESTORE_BACKUP_ID: "b",
      RESTORE_MANIFEST_SHA256: "0".repeat(64),
      PGHOST: "db.invalid",
      PGDATABASE: "medusa",
      PGUSER: "medusa",
    };

    it("download and apply need the shared folder, and an unknown phase is refused", () => {
      const download = sh("restore.sh", base, ["download"]);
      expect(download.status).not.toBe(0);
      expect(download.stderr).toContain("RESTORE_WORK_DIR must be set for restore.sh download");
      const unknown = sh("restore.sh", base, ["everything"]);
      expect(unknown.status).not.toBe(0);
      expect(unknown.stderr).toContain(
        'usage: restore.sh [all | download | apply], got "everything"',
      );
    });

    it("apply refuses a folder without a verified download of this backup, changing nothing", () => {
      const work = mkdtempSync(join(tmpdir(), "restore-phases-"));
      try {
        const apply = sh("restore.sh", { ...base, RESTORE_WORK_DIR: work }, ["apply"]);
        expect(apply.status).not.toBe(0);
        expect(apply.stderr).toContain(
          `backup b not restored: ${work} holds no verified download of it (nothing was changed)`,
        );
        expect(apply.stdout).not.toContain("replacing the store's data");
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });

    it("a failed download leaves the folder unverified; a successful one marks it and carries the scripts for the apply container", () => {
      const work = mkdtempSync(join(tmpdir(), "restore-phases-"));
      try {
        const failed = sh(
          "restore.sh",
          { ...base, RESTORE_WORK_DIR: work, STOREPLANE_BACKUP: "false" },
          ["download"],
        );
        expect(failed.status).not.toBe(0);
        expect(existsSync(join(work, "verified"))).toBe(false);
        // `true` as the download tool: exits 0 as storeplane-backup does once
        // every part passed its checksum (packages/backup/src/bin).
        const ok = sh(
          "restore.sh",
          { ...base, RESTORE_WORK_DIR: work, STOREPLANE_BACKUP: "true" },
          ["download"],
        );
        expect(ok.status, ok.stderr).toBe(0);
        expect(readFileSync(join(work, "verified"), "utf8").trim()).toBe("b");
        expect(existsSync(join(work, "restore.sh"))).toBe(true);
        expect(existsSync(join(work, "rewrite-url.php"))).toBe(true);
        expect(ok.stdout).not.toContain("replacing the store's data");
        // Another backup's apply is still refused from this folder.
        const other = sh(
          "restore.sh",
          { ...base, RESTORE_BACKUP_ID: "c", RESTORE_WORK_DIR: work },
          ["apply"],
        );
        expect(other.status).not.toBe(0);
        expect(other.stderr).toContain("holds no verified download of it");
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  });
});

// In a pod, Kubernetes creates the termination-message file (empty) and
// copies what a container wrote there into its status, where the controller
// reads the reason for the row (packages/k8s podsTerminationReason).
describe("backup, restore and verify scripts — the reason in the termination-message file", () => {
  const refusals: Array<[string, Record<string, string>, string[], string]> = [
    [
      "backup.sh",
      { BACKUP_ENGINE: "magento", BACKUP_STORE: "s", BACKUP_ID: "b", STOREPLANE_BACKUP: "false" },
      [],
      'backup: BACKUP_ENGINE must be medusa or woocommerce, got "magento"',
    ],
    [
      "restore.sh",
      {},
      ["everything"],
      'restore: usage: restore.sh [all | download | apply], got "everything"',
    ],
    [
      "verify.sh",
      { BACKUP_ENGINE: "medusa" },
      ["everything"],
      'verify: FAILED: unknown phase "everything" (all | restore | check | cleanup)',
    ],
  ];

  it.each(refusals)(
    "%s writes its one-line reason there when the file exists",
    (script, env, args, reason) => {
      const dir = mkdtempSync(join(tmpdir(), "termination-log-"));
      try {
        const log = join(dir, "termination-log");
        writeFileSync(log, "");
        const result = sh(script, { ...env, TERMINATION_LOG: log }, args);
        expect(result.status).toBe(1);
        expect(result.stderr.trim()).toBe(reason);
        expect(readFileSync(log, "utf8")).toBe(`${reason}\n`);

        // Outside a pod the file does not exist, and none is made.
        const absent = join(dir, "absent");
        expect(sh(script, { ...env, TERMINATION_LOG: absent }, args).status).toBe(1);
        expect(existsSync(absent)).toBe(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
