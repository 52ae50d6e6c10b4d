// The helm CLI behind a typed interface. It runs exactly what it is asked to;
// whether to install, upgrade, roll back or uninstall is the caller's choice.
import { execa } from "execa";
import pino, { type Logger } from "pino";
import { parseAllDocuments } from "yaml";
import type { KubeObject, ReleaseSpec } from "../cluster.ts";
import {
  type ConnectionFlags,
  lintArgs,
  rollbackArgs,
  type TemplateInput,
  templateArgs,
  uninstallArgs,
  upgradeInstallArgs,
} from "./args.ts";
import { resolveHelmBinary } from "./binary.ts";
import {
  HelmFailed,
  HelmTimeout,
  helmErrorFrom,
  ReleaseNotFound,
  stderrExcerpt,
} from "./errors.ts";
import { type HelmReleaseInfo, parseJson, releaseInfo } from "./parse.ts";
import { withPrivateValuesFile } from "./values-file.ts";

export interface HelmOptions extends ConnectionFlags {
  /** Path of the helm binary; default: $HELM_BIN, PATH, then <repo>/.tools/bin/helm. */
  binary?: string;
  logger?: Logger;
  /** Extra environment for helm processes (e.g. HELM_CACHE_HOME in tests). */
  env?: Record<string, string>;
  /** How long after SIGTERM (abort, timeout) helm gets before SIGKILL. */
  killGraceMs?: number;
}

export interface RunOptions {
  /**
   * Ends the helm process (SIGTERM, then SIGKILL after killGraceMs). Helm
   * catches SIGTERM during install/upgrade and marks the release failed
   * instead of leaving it pending-*. Not aborting lets in-flight helm finish.
   */
  signal?: AbortSignal;
}

export interface Helm {
  readonly binary: string;
  version(): Promise<string>;
  upgradeInstall(spec: ReleaseSpec, opts?: RunOptions): Promise<HelmReleaseInfo | null>;
  uninstall(
    namespace: string,
    release: string,
    opts?: RunOptions & { timeoutSeconds?: number },
  ): Promise<{ outcome: "uninstalled" | "not-found" }>;
  rollback(
    namespace: string,
    release: string,
    revision: number,
    opts?: RunOptions & { timeoutSeconds?: number },
  ): Promise<void>;
  template(
    input: TemplateInput,
    values?: Record<string, unknown>,
    opts?: RunOptions,
  ): Promise<{ manifest: string; objects: KubeObject[] }>;
  lint(
    chart: string,
    valuesFiles?: string[],
    values?: Record<string, unknown>,
    opts?: RunOptions,
  ): Promise<{ ok: boolean; output: string }>;
}

export function createHelm(options: HelmOptions = {}): Helm {
  const binary = options.binary ?? resolveHelmBinary();
  if (!binary) {
    throw new HelmFailed(
      "HelmFailed",
      "helm not found: set HELM_BIN, put helm on PATH, or run `node scripts/install-tools.mjs`",
    );
  }
  const logger = options.logger ?? pino({ level: "silent" });
  const killGraceMs = options.killGraceMs ?? 15_000;
  const conn: ConnectionFlags = {
    kubeconfig: options.kubeconfig,
    kubeContext: options.kubeContext,
  };

  type Exec = { exitCode: number; stdout: string; stderr: string };

  // Runs helm; only process-level failures (abort, timeout, spawn) throw here.
  async function exec(
    command: string,
    args: string[],
    opts: RunOptions & { timeoutMs?: number },
  ): Promise<Exec> {
    const started = Date.now();
    // argv holds only flags, names and file paths (never values): safe to log.
    const log = logger.child({ helm: command });
    const result = await execa(binary as string, args, {
      reject: false,
      stdin: "ignore",
      env: options.env,
      cancelSignal: opts.signal,
      timeout: opts.timeoutMs,
      forceKillAfterDelay: killGraceMs,
    });
    const ms = Date.now() - started;
    if (result.isCanceled) {
      log.warn({ ms }, "helm aborted");
      throw new HelmFailed("HelmFailed", `helm ${command} aborted before it finished`, {
        exitCode: result.exitCode ?? null,
      });
    }
    if (result.timedOut) {
      log.warn({ ms }, "helm process timed out");
      throw new HelmTimeout(
        "HelmTimeout",
        `helm ${command} did not finish within ${opts.timeoutMs} ms`,
      );
    }
    if (result.exitCode === undefined) {
      throw new HelmFailed("HelmFailed", `helm ${command} could not start: ${result.shortMessage}`);
    }
    log.debug({ ms, exitCode: result.exitCode }, "helm exited");
    return {
      exitCode: result.exitCode,
      stdout: typeof result.stdout === "string" ? result.stdout : "",
      stderr: typeof result.stderr === "string" ? result.stderr : "",
    };
  }

  async function run(
    command: string,
    args: string[],
    opts: RunOptions & { timeoutMs?: number },
  ): Promise<string> {
    const r = await exec(command, args, opts);
    if (r.exitCode === 0) return r.stdout;
    const err = helmErrorFrom(command, r.stderr, r.exitCode);
    logger.warn({ helm: command, exitCode: r.exitCode, kind: err.kind }, "helm failed");
    throw err;
  }

  // The process deadline sits past helm's own --timeout so helm can report it.
  const processTimeout = (seconds: number) => seconds * 1000 + killGraceMs + 30_000;
  const QUICK_MS = 60_000;

  return {
    binary,

    async version() {
      return (await run("version", ["version", "--short"], { timeoutMs: QUICK_MS })).trim();
    },

    async upgradeInstall(spec, opts = {}) {
      return withPrivateValuesFile(spec.values, async (file) => {
        const out = await run("upgrade", upgradeInstallArgs(spec, file, conn), {
          ...opts,
          timeoutMs: processTimeout(spec.timeoutSeconds),
        });
        return out.trim() ? releaseInfo(parseJson("upgrade", out)) : null;
      });
    },

    async uninstall(namespace, release, opts = {}) {
      const timeoutSeconds = opts.timeoutSeconds ?? 300;
      try {
        await run("uninstall", uninstallArgs(namespace, release, timeoutSeconds, conn), {
          ...opts,
          timeoutMs: processTimeout(timeoutSeconds),
        });
        return { outcome: "uninstalled" };
      } catch (err) {
        if (err instanceof ReleaseNotFound) return { outcome: "not-found" };
        throw err;
      }
    },

    async rollback(namespace, release, revision, opts = {}) {
      const timeoutSeconds = opts.timeoutSeconds ?? 300;
      await run("rollback", rollbackArgs(namespace, release, revision, timeoutSeconds, conn), {
        ...opts,
        timeoutMs: processTimeout(timeoutSeconds),
      });
    },

    async template(input, values, opts = {}) {
      const render = async (file: string | null) => {
        const manifest = await run("template", templateArgs(input, file), {
          ...opts,
          timeoutMs: QUICK_MS,
        });
        const objects = parseAllDocuments(manifest)
          .map((d) => d.toJS() as KubeObject | null)
          .filter((o): o is KubeObject => o !== null && typeof o === "object");
        return { manifest, objects };
      };
      return values ? withPrivateValuesFile(values, render) : render(null);
    },

    async lint(chart, valuesFiles = [], values, opts = {}) {
      // helm lint reports findings on stdout ([ERROR] …) and exits 1.
      const check = async (file: string | null) => {
        const r = await exec("lint", lintArgs(chart, valuesFiles, file), {
          ...opts,
          timeoutMs: QUICK_MS,
        });
        return { ok: r.exitCode === 0, output: `${r.stdout}\n${stderrExcerpt(r.stderr)}`.trim() };
      };
      return values ? withPrivateValuesFile(values, check) : check(null);
    },
  };
}
