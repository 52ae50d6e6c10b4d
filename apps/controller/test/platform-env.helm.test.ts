// Level: real helm rendering. The platform chart and the controller's own
// parsers agree: the environment the chart gives the controller (each values
// file, and values set by a user) is read by readControllerConfig and
// readBackupSettings exactly as configured, so a renamed variable or a value
// the parser refuses fails here instead of in a crash-looping pod.
import { createHelm, resolveHelmBinary } from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import { readBackupSettings } from "../src/backups/backup-env.ts";
import { readControllerConfig } from "../src/env.ts";
import { CHARTS_DIR } from "./harness.ts";

const helmBinary = resolveHelmBinary();
const missing = !helmBinary;

type EnvVar = { name: string; value?: string; valueFrom?: unknown };

/** The controller container's env; values from Secrets or the downward API become placeholders. */
async function controllerEnv(valuesFile: string | null, values?: Record<string, unknown>) {
  const helm = createHelm({ binary: helmBinary as string });
  const { objects } = await helm.template(
    {
      release: "storeplane",
      chart: `${CHARTS_DIR}/platform`,
      namespace: "storeplane",
      valuesFiles: valuesFile ? [`${CHARTS_DIR}/platform/${valuesFile}`] : [],
    },
    values,
  );
  const deployment = objects.find(
    (o) => o.kind === "Deployment" && o.metadata.name === "storeplane-controller",
  ) as unknown as { spec: { template: { spec: { containers: Array<{ env: EnvVar[] }> } } } };
  const env: Record<string, string> = {};
  for (const e of deployment.spec.template.spec.containers[0]?.env ?? [])
    env[e.name] =
      e.value ?? (e.name === "DATABASE_URL" ? "postgres://u:p@db:5432/sp" : `secret-${e.name}`);
  return env;
}

describe.skipIf(missing)(
  `the controller reads the platform chart's environment${missing ? " — skipped: helm not found" : ""}`,
  () => {
    it.each(["values.yaml", "values-local.yaml", "values-prod.yaml"])(
      "%s parses, with the rollout interval of the values",
      async (file) => {
        const config = readControllerConfig(await controllerEnv(file));
        expect(config.rolloutIntervalMs).toBe(5_000);
        expect(config.cluster).toBe("kube");
      },
    );

    it("a rollout interval set in values reaches the rollout driver's config", async () => {
      const env = await controllerEnv(null, { controller: { rollouts: { intervalMs: 1500 } } });
      expect(env.ROLLOUT_INTERVAL_MS).toBe("1500");
      expect(readControllerConfig(env).rolloutIntervalMs).toBe(1_500);
    });

    it("kind's values turn backups on against the bundled object store", async () => {
      const settings = readBackupSettings(await controllerEnv("values-local.yaml"));
      expect(settings).toMatchObject({
        image: "storeplane/backup:dev",
        objectStore: {
          endpoint: "http://storeplane-object-store.storeplane.svc:7070",
          bucket: "storeplane-backups",
          forcePathStyle: true,
          accessKeyId: "secret-AWS_ACCESS_KEY_ID",
        },
        target: { egress: { namespace: "storeplane", port: 7070 } },
      });
    });

    it.each(["values.yaml", "values-prod.yaml"])("%s leaves backups off", async (file) => {
      expect(readBackupSettings(await controllerEnv(file))).toBeNull();
    });
  },
);
