// Level: real processes. scripts/woocommerce-stack.sh run as it is (bash, zstd,
// tar, sha256sum, curl): the tree digests it pins are proven against the
// fixture archive, here by the script and again by an independent computation
// in this file, and its download path is fed a local mirror (file:// URLs,
// no network) built from the fixture's own trees, once as they are and once
// with one file changed. What this cannot show is the download from GitHub
// itself (no internet here): see the script's header.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEngine } from "./harness/engine-suite.ts";
import { type CommandResult, runCommand } from "./harness/processes.ts";

const repoRoot = resolve(import.meta.dirname, "../..");
const SCRIPT = join(repoRoot, "scripts/woocommerce-stack.sh");
const ARCHIVE =
  process.env.WOOCOMMERCE_STACK_ARCHIVE ??
  join(repoRoot, "../shared/fixtures/woocommerce-stack-6.8.3-10.2.2.tar.zst");
const scriptText = readFileSync(SCRIPT, "utf8");
const pinned = (name: string) => {
  const value = scriptText.match(new RegExp(`^${name}=([0-9a-f]{40,64})(?: +#.*)?$`, "m"))?.[1];
  if (!value) throw new Error(`${name} is not pinned in scripts/woocommerce-stack.sh`);
  return value;
};
const TREES = {
  "wordpress-6.8.3": pinned("WP_TREE_SHA256"),
  "woocommerce-10.2.2": pinned("WC_TREE_SHA256"),
  "storefront-4.6.1": pinned("SF_TREE_SHA256"),
  "docker-wordpress-6.8.3-php8.3-apache": pinned("DOCKER_WP_TREE_SHA256"),
  "wp-cli-2.12.0": pinned("CLI_TREE_SHA256"),
};

const missingTool = ["zstd", "curl", "tar", "gzip"].find(
  (tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0,
);
const problem = !existsSync(ARCHIVE)
  ? `no fixture archive at ${ARCHIVE} (set WOOCOMMERCE_STACK_ARCHIVE)`
  : missingTool && `${missingTool} not found`;

/** The digest the script pins, computed here without it: sha256 of the sorted "sha256  path" lines. */
function treeDigest(dir: string): string {
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
      else throw new Error(`${dir}: ${path} is neither a file nor a folder`);
    }
  };
  walk("");
  // sort -z in the C locale: byte order.
  files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const lines = files.map(
    (path) =>
      `${createHash("sha256")
        .update(readFileSync(join(dir, path)))
        .digest("hex")}  ${path}\n`,
  );
  return createHash("sha256").update(lines.join("")).digest("hex");
}

describeEngine(
  "WooCommerce stack script",
  "scripts/woocommerce-stack.sh — tree digests proven on the fixture, download path on a local mirror",
  { requireVar: "REQUIRE_WOOCOMMERCE", problem },
  () => {
    let tmp = "";
    let stackDir = "";
    let unpacked: CommandResult;
    const run = (args: string[], env: Record<string, string>) =>
      runCommand("bash", [SCRIPT, ...args], {
        env: { ...process.env, ...env },
        timeoutMs: 300_000,
      });

    beforeAll(async () => {
      tmp = mkdtempSync(join(tmpdir(), "storeplane-wcstack-"));
      stackDir = join(tmp, "from-fixture");
      unpacked = await run(["--offline"], {
        WOOCOMMERCE_STACK_ARCHIVE: ARCHIVE,
        WOOCOMMERCE_STACK_DIR: stackDir,
      });
    }, 300_000);
    afterAll(() => {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    it("unpacks the fixture and finds every tree at its pinned digest", () => {
      expect(unpacked.code, unpacked.output).toBe(0);
      for (const tree of Object.keys(TREES)) {
        expect(unpacked.output).toContain(`woocommerce-stack: ${tree}: tree digest ok`);
      }
      expect(unpacked.output.trim().split("\n").at(-1)).toBe(stackDir);
    });

    it("pins exactly the digests of the fixture's trees (computed here, not by the script)", () => {
      for (const [tree, digest] of Object.entries(TREES)) {
        expect(treeDigest(join(stackDir, tree)), tree).toBe(digest);
      }
    }, 120_000);

    // A shell step with its arguments in the environment (no quoting games).
    const shell = (script: string, env: Record<string, string>) => {
      const done = spawnSync("sh", ["-ec", script], {
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
      if (done.status !== 0) throw new Error(`${script}: ${done.stderr}`);
    };
    const downloadFrom = (github: string, raw: string, dest: string) =>
      run([], {
        WOOCOMMERCE_STACK_ARCHIVE: join(tmp, "no-fixture.tar.zst"),
        WOOCOMMERCE_STACK_GITHUB: `file://${github}`,
        WOOCOMMERCE_STACK_GITHUB_RAW: `file://${raw}`,
        WOOCOMMERCE_STACK_DIR: dest,
      });

    it("download mode checks each tree it fetches and refuses a changed one, leaving nothing behind", async () => {
      // The paths the script fetches, as GitHub serves them (an archive of a
      // commit has one top folder <repo>-<commit>), built from the fixture's trees.
      const github = join(tmp, "mirror/github");
      const raw = join(tmp, "mirror/raw");
      const wpCommit = pinned("WP_CORE_COMMIT");
      const exampleCommit = pinned("WP_EXAMPLE_COMMIT");
      const wpTarball = join(github, `johnpbloch/wordpress-core/archive/${wpCommit}.tar.gz`);
      const exampleTarball = join(
        github,
        `bitpoke/stack-example-wordpress/archive/${exampleCommit}.tar.gz`,
      );
      const dockerDir = join(
        raw,
        `docker-library/wordpress/${pinned("DOCKER_WP_COMMIT")}/latest/php8.3/apache`,
      );
      const phar = join(github, "wp-cli/wp-cli/releases/download/v2.12.0/wp-cli-2.12.0.phar");
      for (const file of [wpTarball, exampleTarball, phar])
        mkdirSync(resolve(file, ".."), { recursive: true });
      shell(
        'tar -C "$STACK" --transform "s,^wordpress-6.8.3,wordpress-core-$WP," -cf "$TMP/wp.tar" wordpress-6.8.3 && gzip -1 -c "$TMP/wp.tar" > "$WP_TARBALL"',
        { STACK: stackDir, WP: wpCommit, TMP: tmp, WP_TARBALL: wpTarball },
      );
      shell(
        'tar -C "$STACK" --transform "s,^woocommerce-10.2.2,$TOP/wp-content/plugins/woocommerce," --transform "s,^storefront-4.6.1,$TOP/wp-content/themes/storefront," -cf - woocommerce-10.2.2 storefront-4.6.1 | gzip -1 > "$OUT"',
        { STACK: stackDir, TOP: `stack-example-wordpress-${exampleCommit}`, OUT: exampleTarball },
      );
      cpSync(join(stackDir, "docker-wordpress-6.8.3-php8.3-apache"), dockerDir, {
        recursive: true,
      });
      // Not WP-CLI's release: the phar is checked by its published sha256, not a tree digest.
      writeFileSync(phar, "<?php // not the wp-cli 2.12.0 release phar\n");

      const genuineDest = join(tmp, "downloaded");
      const genuine = await downloadFrom(github, raw, genuineDest);
      for (const tree of Object.keys(TREES).filter((t) => !t.startsWith("wp-cli"))) {
        expect(genuine.output).toContain(`woocommerce-stack: ${tree}: tree digest ok`);
      }
      expect(genuine.output).toMatch(
        /sha256 mismatch for wp-cli\.phar: expected ce34ddd8.*; refusing it/,
      );
      expect(genuine.code).toBe(1);
      expect(existsSync(genuineDest)).toBe(false);

      // The same WordPress with one file added, as a tampered mirror would serve it.
      const tamperedGithub = join(tmp, "tampered/github");
      const tamperedTarball = join(
        tamperedGithub,
        `johnpbloch/wordpress-core/archive/${wpCommit}.tar.gz`,
      );
      mkdirSync(resolve(tamperedTarball, ".."), { recursive: true });
      const extra = join(tmp, "extra", `wordpress-core-${wpCommit}`, "wp-content/mu-plugins");
      mkdirSync(extra, { recursive: true });
      writeFileSync(join(extra, "backdoor.php"), "<?php eval($_GET['x']);\n");
      shell(
        'tar -rf "$TMP/wp.tar" -C "$TMP/extra" "wordpress-core-$WP" && gzip -1 -c "$TMP/wp.tar" > "$OUT"',
        { TMP: tmp, WP: wpCommit, OUT: tamperedTarball },
      );
      const tamperedDest = join(tmp, "downloaded-tampered");
      const tampered = await downloadFrom(tamperedGithub, raw, tamperedDest);
      expect(tampered.code).toBe(1);
      expect(tampered.output).toContain(
        `woocommerce-stack: wordpress-6.8.3: tree digest mismatch, expected ${TREES["wordpress-6.8.3"]}, got `,
      );
      expect(tampered.output).not.toContain("stack-example-wordpress");
      expect(existsSync(tamperedDest)).toBe(false);
    }, 300_000);

    it("--verify refuses a tree with a changed byte or a symlink in it", async () => {
      const verify = () => run(["--verify", stackDir], {});
      expect((await verify()).code).toBe(0);

      const link = join(stackDir, "storefront-4.6.1/inc/elsewhere");
      symlinkSync("/etc/passwd", link);
      const linked = await verify();
      expect(linked.code).toBe(1);
      expect(linked.output).toContain(
        "storefront-4.6.1: refusing the tree, it holds something that is not a regular file: inc/elsewhere",
      );
      unlinkSync(link);

      appendFileSync(join(stackDir, "storefront-4.6.1/style.css"), "\n");
      const changed = await verify();
      expect(changed.code).toBe(1);
      expect(changed.output).toContain(
        `storefront-4.6.1: tree digest mismatch, expected ${TREES["storefront-4.6.1"]}, got `,
      );
    }, 120_000);
  },
);
