// Level: real helm. The bundled S3-compatible server of the platform chart
// (Versity Gateway, ADR 009): off unless asked for, on in the kind values; a
// pinned image, a volume, Pod Security `restricted`, resources, keys from a
// generated or a given Secret (never from values), the bucket made on start,
// the controller's backup settings pointed at it, and a NetworkPolicy that
// admits only backup pods of store namespaces and the controller. Schema
// validation of the same renders is in charts.helm.test.ts (values-local.yaml)
// and below for the variants.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chartsDir, type K8sObject, render, template } from "./helm.ts";
import { restrictedViolations } from "./pod-security.ts";
import { schemaErrors } from "./schema.ts";
import { unknownFields } from "./strict-fields.ts";
import { containers, podSpec } from "./workloads.ts";

const ON = ["--set", "backups.enabled=true", "--set", "backups.bundledObjectStore.enabled=true"];

const ofStore = (objects: K8sObject[]) =>
  objects.filter((o) => o.metadata.labels?.["app.kubernetes.io/component"] === "object-store");
const one = (objects: K8sObject[], kind: string): K8sObject => {
  const found = ofStore(objects).filter((o) => o.kind === kind);
  expect(found.map((o) => o.metadata.name)).toHaveLength(1);
  return found[0] as K8sObject;
};

type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
};
function envOf(container: { env?: EnvVar[] }): Record<string, EnvVar> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
}
function controllerEnv(objects: K8sObject[]): Record<string, EnvVar> {
  const deployment = objects.find(
    (o) =>
      o.kind === "Deployment" &&
      o.metadata.labels?.["app.kubernetes.io/component"] === "controller",
  );
  return envOf(deployment?.spec.template.spec.containers[0]);
}

describe("platform chart: bundled object store", () => {
  it.each(["values.yaml", "values-prod.yaml"])("is off by default (%s)", (file) => {
    expect(ofStore(render("platform", file))).toEqual([]);
  });

  const local = render("platform", "values-local.yaml");

  it("is on in the kind values, with backups pointed at it", () => {
    const sts = one(local, "StatefulSet");
    const service = one(local, "Service");
    const env = controllerEnv(local);
    const port = service.spec.ports[0].port;
    expect(env.BACKUPS_ENABLED?.value).toBe("true");
    expect(env.BACKUP_S3_ENDPOINT?.value).toBe(
      `http://${service.metadata.name}.storeplane.svc:${port}`,
    );
    expect(env.BACKUP_S3_BUCKET?.value).toBe("storeplane-backups");
    expect(env.BACKUP_S3_FORCE_PATH_STYLE?.value).toBe("true");
    // The Jobs may reach the platform namespace on the server's port only.
    expect(env.BACKUP_EGRESS_NAMESPACE?.value).toBe("storeplane");
    expect(env.BACKUP_EGRESS_PORT?.value).toBe(String(port));
    expect(env.BACKUP_EGRESS_CIDR).toBeUndefined();
    // The Service reaches the server's container port.
    const server = sts.spec.template.spec.containers[0];
    expect(server.ports.map((p: { name: string }) => p.name)).toContain(
      service.spec.ports[0].targetPort,
    );
    expect(server.ports[0].containerPort).toBe(port);
    expect(envOf(server).VGW_PORT?.value).toBe(`:${port}`);
  });

  it("runs a pinned image on a volume, with the bucket created on start", () => {
    const pod = podSpec(one(local, "StatefulSet"));
    for (const c of [...pod.initContainers, ...pod.containers])
      expect(c.image).toMatch(/^docker\.io\/versity\/versitygw:v\d+\.\d+\.\d+$/);
    const [init] = pod.initContainers;
    expect(init.command).toEqual([
      "/bin/mkdir",
      "-p",
      "/data/objects/storeplane-backups",
      "/data/meta",
    ]);
    expect(pod.containers[0].args).toEqual(["posix", "/data/objects"]);
    expect(envOf(pod.containers[0]).VGW_META_SIDECAR?.value).toBe("/data/meta");
    const claim = one(local, "StatefulSet").spec.volumeClaimTemplates[0];
    expect(claim.spec).toMatchObject({
      accessModes: ["ReadWriteOnce"],
      storageClassName: "standard",
      resources: { requests: { storage: "5Gi" } },
    });
    const other = render("platform", "values.yaml", [
      ...ON,
      "--set",
      "backups.bundledObjectStore.bucket=my-backups",
    ]);
    expect(podSpec(one(other, "StatefulSet")).initContainers[0].command[2]).toBe(
      "/data/objects/my-backups",
    );
    expect(controllerEnv(other).BACKUP_S3_BUCKET?.value).toBe("my-backups");
  });

  it("meets Pod Security `restricted`, with a read-only root filesystem and resources everywhere", () => {
    const sts = one(local, "StatefulSet");
    expect(restrictedViolations(podSpec(sts))).toEqual([]);
    expect(podSpec(sts).automountServiceAccountToken).toBe(false);
    for (const { container } of containers([sts])) {
      expect(container.securityContext.readOnlyRootFilesystem, container.name).toBe(true);
      expect(container.securityContext.allowPrivilegeEscalation, container.name).toBe(false);
      for (const f of ["requests", "limits"])
        for (const r of ["cpu", "memory"])
          expect(container.resources?.[f]?.[r], `${container.name} ${f}.${r}`).toBeDefined();
    }
    expect(podSpec(sts).securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
  });

  it("takes its keys from a generated Secret, by reference, never from values", () => {
    const secret = one(local, "Secret");
    expect(secret.metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");
    const keys = Object.fromEntries(
      Object.entries(secret.data as Record<string, string>).map(([k, v]) => [
        k,
        Buffer.from(v, "base64").toString(),
      ]),
    );
    expect(Object.keys(keys).sort()).toEqual(["access-key-id", "secret-access-key"]);
    expect(keys["secret-access-key"]).toMatch(/^[A-Za-z0-9]{40}$/);
    // Random per render: nothing fixed is shipped (lookup keeps the first one on a live cluster).
    const again = one(render("platform", "values-local.yaml"), "Secret");
    expect(again.data["secret-access-key"]).not.toBe(secret.data["secret-access-key"]);
    const server = envOf(podSpec(one(local, "StatefulSet")).containers[0]);
    expect(server.ROOT_SECRET_ACCESS_KEY?.valueFrom?.secretKeyRef).toEqual({
      name: secret.metadata.name,
      key: "secret-access-key",
    });
    expect(controllerEnv(local).AWS_SECRET_ACCESS_KEY?.valueFrom?.secretKeyRef).toEqual({
      name: secret.metadata.name,
      key: "secret-access-key",
    });
    // The values files name no key at all.
    for (const file of ["values.yaml", "values-local.yaml"])
      expect(readFileSync(join(chartsDir, "platform", file), "utf8")).not.toMatch(
        /accessKey:|secretKey:|password:/i,
      );
  });

  it("uses a Secret the user provides instead, and renders none", () => {
    const objects = render("platform", "values.yaml", [
      ...ON,
      "--set",
      "backups.bundledObjectStore.existingSecret=my-keys",
    ]);
    expect(ofStore(objects).filter((o) => o.kind === "Secret")).toEqual([]);
    expect(
      envOf(podSpec(one(objects, "StatefulSet")).containers[0]).ROOT_ACCESS_KEY_ID?.valueFrom
        ?.secretKeyRef?.name,
    ).toBe("my-keys");
    expect(controllerEnv(objects).AWS_ACCESS_KEY_ID?.valueFrom?.secretKeyRef).toEqual({
      name: "my-keys",
      key: "access-key-id",
    });
  });

  it("is reachable only by backup pods of store namespaces and the controller, and reaches nothing", () => {
    const policy = one(local, "NetworkPolicy");
    expect(policy.spec.podSelector.matchLabels).toEqual(
      one(local, "StatefulSet").spec.selector.matchLabels,
    );
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec.egress).toEqual([]);
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { "app.kubernetes.io/managed-by": "storeplane" } },
            podSelector: { matchLabels: { "app.kubernetes.io/component": "backup" } },
          },
          {
            podSelector: {
              matchLabels: {
                "app.kubernetes.io/name": "storeplane",
                "app.kubernetes.io/instance": "storeplane",
                "app.kubernetes.io/component": "controller",
              },
            },
          },
        ],
        ports: [{ port: one(local, "Service").spec.ports[0].port, protocol: "TCP" }],
      },
    ]);
    const noPolicies = render("platform", "values-local.yaml", [
      "--set",
      "networkPolicy.enabled=false",
    ]);
    expect(ofStore(noPolicies).filter((o) => o.kind === "NetworkPolicy")).toEqual([]);
  });

  it("renders schema-valid objects with a given Secret and bucket", async () => {
    const objects = render("platform", "values.yaml", [
      ...ON,
      "--set",
      "backups.bundledObjectStore.existingSecret=my-keys",
      "--set",
      "backups.bundledObjectStore.storageClass=fast",
    ]);
    const errors = [
      ...(await Promise.all(objects.map(schemaErrors))).flat(),
      ...objects.flatMap(unknownFields),
    ];
    expect(errors).toEqual([]);
  });

  it.each([
    [
      "a bucket of your own as well",
      [...ON, "--set", "backups.objectStore.endpoint=https://s3.example.test"],
      /backups.bundledObjectStore.enabled uses the bundled server: leave backups.objectStore.endpoint/,
    ],
    [
      "a bucket name S3 refuses",
      [...ON, "--set", "backups.bundledObjectStore.bucket=Bad_Bucket"],
      /bucket/,
    ],
    [
      "a key in values",
      [...ON, "--set", "backups.bundledObjectStore.secretKey=x"],
      /additional properties 'secretKey' not allowed/,
    ],
    [
      "a size that is not a quantity",
      [...ON, "--set", "backups.bundledObjectStore.size=lots"],
      /size/,
    ],
  ])("refuses %s, naming the field", (_what, args, message) => {
    const result = template("platform", args);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});
