// Level: real cluster. The same suite as `npm run e2e`, inside `npm test` where a
// cluster and a dashboard are reachable; visibly skipped (not passed) elsewhere.
import { describe, expect, it } from "vitest";
import { readConfig } from "../src/config.ts";
import { runSuite, summary } from "../src/suite.ts";
import { clusterProblem } from "../src/tools.ts";

const problem = clusterProblem();

(problem ? describe.skip : describe)(
  problem
    ? `stores on a real cluster — skipped: no reachable Kubernetes cluster: ${problem}`
    : "stores on a real cluster",
  () => {
    it(
      "provisions WooCommerce and Medusa, takes an order in each, deletes both without leftovers",
      async () => {
        const result = await runSuite(readConfig());
        console.log(summary(result));
        expect(result.stores.map((s) => s.error ?? "ok")).toEqual(["ok", "ok"]);
      },
      40 * 60_000,
    );
  },
);
