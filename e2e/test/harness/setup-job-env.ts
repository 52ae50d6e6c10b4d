// The environment of an engine chart's setup Job, read from the chart itself
// (`helm template`), so the real-engine suites run the Job's script with exactly
// the variables a store's Job gets: plain values as rendered, Secret references
// resolved from the store Secret the controller would create, and only the
// pod-local things (the database address, paths inside the pod) mapped to this
// machine. A variable the suite does not know how to supply is an error.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

const repoRoot = resolve(import.meta.dirname, "../../..");

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

export interface SetupJob {
  /** The container command the Job runs (WooCommerce's prebaked image: /usr/local/bin/storeplane-setup.sh; Medusa: sh -c <script>). */
  command: string[];
  env: EnvVar[];
  runAsUser?: number;
  backoffLimit?: number;
}

export function resolveHelm(): string | undefined {
  const candidates = [
    process.env.HELM_BIN,
    ...(process.env.PATH ?? "").split(":").map((dir) => join(dir, "helm")),
    join(repoRoot, ".tools", "bin", "helm"),
  ].filter((c): c is string => Boolean(c));
  return candidates.find((c) => existsSync(c) && spawnSync(c, ["version"]).status === 0);
}

/** Renders the setup Job of charts/<engine> with values-local.yaml and the controller's values. */
export function renderSetupJob(
  helm: string,
  store: { name: string; url: string },
  engine: "woocommerce" | "medusa" = "woocommerce",
): SetupJob {
  const chart = join(repoRoot, "charts", engine);
  const host = new URL(store.url).hostname;
  const result = spawnSync(
    helm,
    [
      "template",
      "store",
      chart,
      "-f",
      join(chart, "values-local.yaml"),
      "--set",
      `store.id=engine-test,store.name=${store.name},store.host=${host},store.url=${store.url}`,
      "--set",
      "existingSecret=store-credentials",
      "--show-only",
      "templates/setup-job.yaml",
    ],
    { encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  const job = parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS())
    .find((o) => o?.kind === "Job");
  const pod = job?.spec?.template?.spec;
  const container = pod?.containers?.[0];
  if (!container) throw new Error("the rendered setup Job has no container");
  return {
    command: container.command,
    env: container.env ?? [],
    runAsUser: pod.securityContext?.runAsUser,
    backoffLimit: job.spec.backoffLimit,
  };
}

/**
 * The Job's env for this machine. `secret` plays the store-credentials Secret;
 * `local` replaces the variables whose value only makes sense inside the pod
 * (WooCommerce: WORDPRESS_DB_HOST, WP_PATH, HOME, WP_CLI_CACHE_DIR; Medusa:
 * DATABASE_URL, REDIS_URL, NODE_ENV, PORT) and must name each of them.
 */
export function jobEnvironment(
  job: SetupJob,
  secret: Record<string, string>,
  local: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of job.env) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref) {
      const value = secret[ref.key];
      if (value === undefined)
        throw new Error(
          `the setup Job reads Secret key "${ref.key}" (${variable.name}): the suite has no value for it`,
        );
      env[variable.name] = value;
    } else if (variable.value !== undefined) {
      env[variable.name] = variable.value;
    } else {
      throw new Error(`the setup Job's ${variable.name} has a source the suite cannot supply`);
    }
  }
  for (const [name, value] of Object.entries(local)) {
    if (!(name in env)) throw new Error(`the setup Job does not set ${name}: nothing to map`);
    env[name] = value;
  }
  return env;
}
