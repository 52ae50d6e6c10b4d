// Level: real helm. The WooCommerce setup script has one canonical copy,
// images/woocommerce/setup.sh (baked into the prebaked image). Helm cannot read
// outside the chart directory and a symlink would break once the chart is
// copied into the controller image, so the chart carries a copy that must stay
// byte-identical, and the ConfigMap must carry it unchanged.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chartsDir, render, repoRoot } from "./helm.ts";

const canonical = join(repoRoot, "images", "woocommerce", "setup.sh");
const copy = join(chartsDir, "woocommerce", "files", "setup.sh");
const present = existsSync(canonical);

(present ? describe : describe.skip)(
  present
    ? "WooCommerce setup script"
    : "WooCommerce setup script — skipped: images/woocommerce/setup.sh does not exist yet",
  () => {
    it("charts/woocommerce/files/setup.sh is byte-identical to images/woocommerce/setup.sh", () => {
      const same = readFileSync(copy).equals(readFileSync(canonical));
      expect(same, "run: cp images/woocommerce/setup.sh charts/woocommerce/files/setup.sh").toBe(
        true,
      );
    });
  },
);

describe("setup script ConfigMap (official images)", () => {
  it("carries files/setup.sh byte for byte", () => {
    const objects = render("woocommerce", "values.yaml", ["--set", "imageMode=official"]);
    const configMap = objects.find((o) => o.kind === "ConfigMap");
    expect(configMap?.data["setup.sh"]).toBe(readFileSync(copy, "utf8"));
  });

  it("is not rendered for the prebaked image, which has the script built in", () => {
    const objects = render("woocommerce", "values-local.yaml");
    expect(objects.find((o) => o.kind === "ConfigMap")).toBeUndefined();
    const job = objects.find((o) => o.kind === "Job");
    expect(job?.spec.template.spec.containers[0].command).toEqual([
      "/usr/local/bin/storeplane-setup.sh",
    ]);
  });
});
