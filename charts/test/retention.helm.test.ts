// Level: real helm. The platform chart's `controller.retention` values reach
// the controller as the RETENTION_* variables its env schema reads
// (apps/controller/src/env.ts), with the same defaults, and bad values are
// refused by values.schema.json before anything renders.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseArgs, type K8sObject, render, repoRoot, template, VALUES_FILES } from "./helm.ts";

const VARIABLES = {
  intervalSeconds: "RETENTION_INTERVAL_SECONDS",
  eventDays: "RETENTION_EVENT_DAYS",
  eventsKeepPerStore: "RETENTION_EVENTS_KEEP_PER_STORE",
  auditDays: "RETENTION_AUDIT_DAYS",
} as const;

function controllerEnv(objects: K8sObject[]): Map<string, string | undefined> {
  const controller = objects.find(
    (o) => o.kind === "Deployment" && o.metadata.name.endsWith("-controller"),
  ) as
    | (K8sObject & {
        spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
      })
    | undefined;
  const env = controller?.spec.template.spec.containers[0]?.env ?? [];
  return new Map(env.map((e) => [e.name, e.value]));
}

/** The controller's own defaults, read from its env schema (`NAME: int(default, min)`). */
function controllerDefaults(): Record<string, number> {
  const source = readFileSync(join(repoRoot, "apps", "controller", "src", "env.ts"), "utf8");
  const out: Record<string, number> = {};
  for (const m of source.matchAll(/(RETENTION_[A-Z_]+): int\(([\d_]+)/g))
    out[m[1] as string] = Number((m[2] as string).replaceAll("_", ""));
  return out;
}

describe("platform chart: history retention settings", () => {
  it.each(VALUES_FILES)("%s passes the controller's own defaults", (file) => {
    const env = controllerEnv(render("platform", file));
    const defaults = controllerDefaults();
    expect(Object.keys(defaults).sort()).toEqual(Object.values(VARIABLES).sort());
    for (const name of Object.values(VARIABLES)) expect(env.get(name)).toBe(String(defaults[name]));
  });

  it("passes what the operator sets, as strings the env schema coerces", () => {
    const env = controllerEnv(
      render("platform", "values-prod.yaml", [
        "--set",
        "controller.retention.intervalSeconds=0",
        "--set",
        "controller.retention.eventDays=30",
        "--set",
        "controller.retention.eventsKeepPerStore=250",
        "--set",
        "controller.retention.auditDays=365",
      ]),
    );
    expect(env.get("RETENTION_INTERVAL_SECONDS")).toBe("0");
    expect(env.get("RETENTION_EVENT_DAYS")).toBe("30");
    expect(env.get("RETENTION_EVENTS_KEEP_PER_STORE")).toBe("250");
    expect(env.get("RETENTION_AUDIT_DAYS")).toBe("365");
  });

  it.each([
    ["a negative interval", "controller.retention.intervalSeconds=-1", /intervalSeconds/],
    ["zero event days", "controller.retention.eventDays=0", /eventDays/],
    [
      "a fractional keep count",
      "controller.retention.eventsKeepPerStore=1.5",
      /eventsKeepPerStore/,
    ],
    ["audit days as text", "controller.retention.auditDays=forever", /auditDays/],
    ["an unknown key", "controller.retention.keepForever=true", /keepForever/],
  ])("refuses %s, naming the field", (_label, set, field) => {
    const result = template("platform", [...baseArgs("platform", "values.yaml"), "--set", set]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(result.stderr).toMatch(field);
  });
});
