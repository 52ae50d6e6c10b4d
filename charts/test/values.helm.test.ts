// Level: real helm. values.schema.json rejects unknown keys and bad values
// before anything renders, and engine charts refuse to render without the
// store Secret: credentials never come from values.
import { describe, expect, it } from "vitest";
import {
  baseArgs,
  CHARTS,
  ENGINE_CHARTS,
  type Engine,
  engineOf,
  isEngine,
  STORE_VALUES,
  setArgs,
  template,
} from "./helm.ts";

const BAD_VALUES: Record<"platform" | Engine, [string, string[], RegExp][]> = {
  platform: [
    [
      "an unknown top-level key",
      ["--set", "replicas=3"],
      /additional properties 'replicas' not allowed/,
    ],
    [
      "a typo inside web",
      ["--set", "web.replica=2"],
      /additional properties 'replica' not allowed/,
    ],
    ["an unknown database mode", ["--set", "database.mode=sqlite"], /mode/],
    ["a URL scheme other than http/https", ["--set", "urlScheme=ftp"], /urlScheme/],
    ["a bad pull policy", ["--set", "images.web.pullPolicy=Sometimes"], /pullPolicy/],
    ["zero web replicas", ["--set", "web.replicas=0"], /replicas/],
    [
      "a rollout interval below the controller's minimum (10 ms)",
      ["--set", "controller.rollouts.intervalMs=5"],
      /intervalMs/,
    ],
    [
      "a password in values",
      ["--set", "database.password=hunter2"],
      /additional properties 'password' not allowed/,
    ],
  ],
  woocommerce: [
    ["an unknown plan", ["--set-string", "plan=huge"], /plan/],
    ["an unknown image mode", ["--set", "imageMode=nightly"], /imageMode/],
    [
      "an admin password in values",
      ["--set", "adminPassword=hunter2"],
      /additional properties 'adminPassword' not allowed/,
    ],
    ["a malformed WooCommerce version", ["--set", "woocommerce.version=latest"], /version/],
    ["a bad volume size", ["--set", "persistence.databaseSize=lots"], /databaseSize/],
    ["a store name that is not a DNS label", ["--set-string", "store.name=Shop_1"], /name/],
  ],
  medusa: [
    ["an unknown plan", ["--set-string", "plan=xl"], /plan/],
    [
      "a typo in ingress",
      ["--set", "ingress.classname=traefik"],
      /additional properties 'classname' not allowed/,
    ],
    [
      "a JWT secret in values",
      ["--set", "jwtSecret=abc"],
      /additional properties 'jwtSecret' not allowed/,
    ],
    ["a path that is not absolute", ["--set", "ingress.paths[0]=store"], /paths/],
    ["a resource block without limits", ["--set", "resources.small.medusa.limits=null"], /limits/],
  ],
};

// Every chart version a store may be assigned: each archived engine chart too.
describe.each(CHARTS)("%s values.schema.json", (chart) => {
  it("accepts the defaults", () => {
    const result = template(chart, baseArgs(chart, "values.yaml"));
    expect(result.status, result.stderr).toBe(0);
  });

  it.each(BAD_VALUES[isEngine(chart) ? engineOf(chart) : "platform"])(
    "rejects %s",
    (_label, args, message) => {
      const result = template(chart, [...baseArgs(chart, "values.yaml"), ...args]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/values don't meet the specifications of the schema/);
      expect(result.stderr).toMatch(message);
    },
  );
});

describe.each(ENGINE_CHARTS)("%s without the store Secret", (chart) => {
  const { existingSecret: _omitted, ...rest } = STORE_VALUES;

  it("refuses to render and says why", () => {
    const result = template(chart, setArgs(rest));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/existingSecret is required/);
  });

  it("refuses to render with an empty existingSecret too", () => {
    const result = template(chart, [...setArgs(rest), "--set-string", "existingSecret="]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/existingSecret is required/);
  });

  it("refuses to render without the store host and URL", () => {
    const result = template(
      chart,
      setArgs({ existingSecret: "store-credentials", "store.name": "shop" }),
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/store\.(host|url) is required/);
  });
});

describe("platform with an external database", () => {
  it("requires the Secret that holds DATABASE_URL", () => {
    const result = template("platform", ["--set", "database.mode=external"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/database.external.existingSecret is required/);
  });
});
