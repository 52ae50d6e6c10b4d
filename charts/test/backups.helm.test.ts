// Level: real helm. The platform chart's backup settings: off by default,
// rendered into the controller's environment when on, the access key taken
// from its Secret by reference only, and bad or missing values refused with
// the field's name before anything renders.
import { describe, expect, it } from "vitest";
import { type K8sObject, render, template } from "./helm.ts";

const ON = [
  "--set",
  "backups.enabled=true",
  "--set",
  "backups.objectStore.endpoint=https://s3.eu-central-1.amazonaws.com",
  "--set",
  "backups.objectStore.bucket=storeplane-backups",
  "--set",
  "backups.objectStore.credentialsSecret.name=backup-keys",
];

type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
};
function controllerEnv(objects: K8sObject[]): Record<string, EnvVar> {
  const deployment = objects.find(
    (o) =>
      o.kind === "Deployment" &&
      o.metadata.labels?.["app.kubernetes.io/component"] === "controller",
  );
  const spec = deployment?.spec as
    | { template: { spec: { containers: Array<{ env: EnvVar[] }> } } }
    | undefined;
  const env = spec?.template.spec.containers[0]?.env ?? [];
  return Object.fromEntries(env.map((e) => [e.name, e]));
}

describe("platform chart: backups", () => {
  // values-local.yaml (kind) turns them on with the bundled object store: object-store.helm.test.ts.
  it.each(["values.yaml", "values-prod.yaml"])("are off by default (%s)", (file) => {
    const env = controllerEnv(render("platform", file));
    expect(Object.keys(env).length).toBeGreaterThan(0);
    expect(env.BACKUPS_ENABLED).toBeUndefined();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
  });

  it("pass the bucket to the controller, with the keys by reference to their Secret", () => {
    const env = controllerEnv(render("platform", "values-prod.yaml", ON));
    expect(env.BACKUP_S3_ENDPOINT?.value).toBe("https://s3.eu-central-1.amazonaws.com");
    expect(env.BACKUP_S3_BUCKET?.value).toBe("storeplane-backups");
    expect(env.BACKUP_IMAGE?.value).toBe("storeplane/backup:0.1.0");
    expect(env.BACKUP_EGRESS_CIDR?.value).toBe("0.0.0.0/0");
    expect(env.AWS_ACCESS_KEY_ID).toEqual({
      name: "AWS_ACCESS_KEY_ID",
      valueFrom: { secretKeyRef: { name: "backup-keys", key: "access-key-id" } },
    });
    expect(env.AWS_SECRET_ACCESS_KEY?.valueFrom?.secretKeyRef).toEqual({
      name: "backup-keys",
      key: "secret-access-key",
    });
    expect(env.AWS_SECRET_ACCESS_KEY?.value).toBeUndefined();
  });

  it("pass the WooCommerce restore image only when one is set (the controller has a default)", () => {
    const unset = controllerEnv(render("platform", "values.yaml", ON));
    expect(unset.RESTORE_WORDPRESS_IMAGE).toBeUndefined();
    const set = controllerEnv(
      render("platform", "values.yaml", [
        ...ON,
        "--set",
        "backups.restoreWordpressImage=registry.example/wp-cli:1",
      ]),
    );
    expect(set.RESTORE_WORDPRESS_IMAGE?.value).toBe("registry.example/wp-cli:1");
  });

  it("name an in-cluster object store's namespace instead of an address range", () => {
    const env = controllerEnv(
      render("platform", "values.yaml", [
        ...ON,
        "--set",
        "backups.egress.namespace=storeplane",
        "--set",
        "backups.egress.port=9000",
      ]),
    );
    expect(env.BACKUP_EGRESS_NAMESPACE?.value).toBe("storeplane");
    expect(env.BACKUP_EGRESS_CIDR).toBeUndefined();
    expect(env.BACKUP_EGRESS_PORT?.value).toBe("9000");
  });

  it.each([
    [
      "no endpoint",
      ["--set", "backups.enabled=true"],
      /backups.objectStore.endpoint is required when backups.enabled/,
    ],
    [
      "no bucket",
      [
        "--set",
        "backups.enabled=true",
        "--set",
        "backups.objectStore.endpoint=https://s3.example.test",
      ],
      /backups.objectStore.bucket is required when backups.enabled/,
    ],
    [
      "no credentials Secret",
      [
        "--set",
        "backups.enabled=true",
        "--set",
        "backups.objectStore.endpoint=https://s3.example.test",
        "--set",
        "backups.objectStore.bucket=b-1",
      ],
      /backups.objectStore.credentialsSecret.name is required/,
    ],
    [
      "an endpoint that is not a URL",
      ["--set", "backups.objectStore.endpoint=s3.example.test"],
      /endpoint/,
    ],
    ["a bucket name S3 refuses", ["--set", "backups.objectStore.bucket=Bad_Bucket"], /bucket/],
    [
      "a secret key in values",
      ["--set", "backups.objectStore.secretAccessKey=x"],
      /additional properties 'secretAccessKey' not allowed/,
    ],
  ])("refuse %s", (_what, args, message) => {
    const result = template("platform", ["-f", "platform/values.yaml", ...args]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});
