// A WordPress site as the prebaked image lays it out (images/woocommerce/Dockerfile:
// core from /usr/src/wordpress with wp-config-docker.php, WooCommerce and
// Storefront unzipped into wp-content), served by PHP's built-in server with a
// router for pretty permalinks instead of Apache. The stack comes from
// scripts/woocommerce-stack.sh. As root, the site's files, WP-CLI and PHP run
// as www-data (uid 33), as the setup Job (runAsUser 33) and Apache do; what
// they run (WP-CLI, the router, the setup script, as the image bakes it into
// /usr/local/bin) is copied into the site's temp folder, so www-data can read
// it wherever the repository was cloned.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import {
  type Daemon,
  freePort,
  type RunAs,
  runCommand,
  startDaemon,
  waitFor,
} from "./processes.ts";

const repoRoot = resolve(import.meta.dirname, "../../..");
const ROUTER = resolve(import.meta.dirname, "../fixtures/wp-router.php");
export const PINS = {
  wordpress: "6.8.3",
  woocommerce: "10.2.2",
  storefront: "4.6.1",
  wpCli: "2.12.0",
};

export type StackResult = { dir: string } | { problem: string };

/** The stack folder from scripts/woocommerce-stack.sh (never downloads here), or why there is none. */
export async function prepareStack(): Promise<StackResult> {
  const result = await runCommand(
    "bash",
    [join(repoRoot, "scripts", "woocommerce-stack.sh"), "--offline"],
    {
      env: process.env,
      timeoutMs: 300_000,
    },
  );
  const lines = result.output.trim().split("\n");
  if (result.code === 0) return { dir: lines[lines.length - 1] as string };
  return {
    problem: lines.filter((l) => l.startsWith("woocommerce-stack:")).join("; ") || result.output,
  };
}

/** Why PHP cannot serve WordPress here, or null. */
export function phpProblem(): string | null {
  const php = spawnSync(
    "php",
    ["-r", 'echo PHP_VERSION, " ", implode(",", get_loaded_extensions());'],
    {
      encoding: "utf8",
    },
  );
  if (php.status !== 0) return "php not found (apt-get install php8.2-cli)";
  const loaded = php.stdout.toLowerCase();
  const missing = ["mysqli", "curl", "mbstring", "xml", "gd", "intl", "zip"].filter(
    (ext) => !loaded.includes(ext),
  );
  return missing.length
    ? `PHP extensions missing: ${missing.join(", ")} (apt-get install php8.2-${missing.join(" php8.2-")})`
    : null;
}

export interface Site {
  root: string;
  /** The WordPress root (the pod's /var/www/html). */
  wpPath: string;
  /** The Job's HOME and /tmp. */
  tmp: string;
  /** PATH entries giving `wp` (WP-CLI of the stack) as the image has it. */
  bin: string;
  /** The setup script as the image installs it (a byte-for-byte copy). */
  setupScript: string;
  router: string;
  runAs?: RunAs;
  remove: () => void;
}

export function createSite(stackDir: string, setupScript: string): Site {
  const root = mkdtempSync(join(tmpdir(), "storeplane-wp-"));
  chmodSync(root, 0o755);
  const wpPath = join(root, "html");
  const tmp = join(root, "tmp");
  const bin = join(root, "bin");
  cpSync(join(stackDir, `wordpress-${PINS.wordpress}`), wpPath, { recursive: true });
  cpSync(
    join(stackDir, `docker-wordpress-${PINS.wordpress}-php8.3-apache`, "wp-config-docker.php"),
    join(wpPath, "wp-config-docker.php"),
  );
  cpSync(
    join(stackDir, `woocommerce-${PINS.woocommerce}`),
    join(wpPath, "wp-content/plugins/woocommerce"),
    {
      recursive: true,
    },
  );
  cpSync(
    join(stackDir, `storefront-${PINS.storefront}`),
    join(wpPath, "wp-content/themes/storefront"),
    {
      recursive: true,
    },
  );
  mkdirSync(tmp);
  mkdirSync(bin);
  // bin/wp of the stack points into its wp-cli-<version>/ folder (source tree or phar).
  const wpCli = relative(stackDir, realpathSync(join(stackDir, "bin", "wp")));
  const wpCliDir = wpCli.split("/")[0] as string;
  cpSync(join(stackDir, wpCliDir), join(root, wpCliDir), { recursive: true });
  symlinkSync(join(root, wpCli), join(bin, "wp"));
  const script = join(root, "storeplane-setup.sh");
  cpSync(setupScript, script);
  const router = join(root, "wp-router.php");
  cpSync(ROUTER, router);
  let runAs: RunAs | undefined;
  if (process.getuid?.() === 0) {
    runAs = { uid: 33, gid: 33 };
    const chown = spawnSync("chown", ["-R", "33:33", wpPath, tmp]);
    if (chown.status !== 0) throw new Error(`chown www-data ${wpPath}: ${chown.stderr}`);
  }
  return {
    root,
    wpPath,
    tmp,
    bin,
    setupScript: script,
    router,
    runAs,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface PhpServer {
  baseUrl: string;
  log: () => string;
  stop: () => Promise<void>;
}

/** PHP's built-in server on the site, with the WordPress pod's database variables. */
export async function startPhpServer(
  site: Site,
  dbEnv: Record<string, string>,
): Promise<PhpServer> {
  const port = await freePort();
  const daemon: Daemon = startDaemon(
    "php",
    ["-S", `127.0.0.1:${port}`, "-t", site.wpPath, site.router],
    {
      cwd: site.wpPath,
      env: {
        PATH: process.env.PATH,
        HOME: site.tmp,
        TMPDIR: site.tmp,
        // Parallel workers: the browser loads scripts while the REST calls run.
        PHP_CLI_SERVER_WORKERS: "4",
        ...dbEnv,
      },
      runAs: site.runAs,
    },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    "php -S",
    async () => {
      const res = await fetch(`${baseUrl}/wp-includes/images/blank.gif`, {
        signal: AbortSignal.timeout(2000),
      });
      return res.ok;
    },
    30_000,
    () =>
      daemon.child.exitCode !== null ? `exited ${daemon.child.exitCode}\n${daemon.log()}` : null,
  );
  return { baseUrl, log: daemon.log, stop: daemon.stop };
}
