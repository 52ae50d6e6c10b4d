// Level: real cluster. Per engine: two stores, a rollout to the engine's
// newest chart version (charts/ and charts/archive, as the controller image
// carries them), waited for until completed; then every store is Ready on the
// new version with exactly one new helm revision (helm history). When the
// newest version is also what new stores get, the stores are first moved to
// the previous version by a rollout of their own. Visibly skipped without a
// cluster, and per engine when only one chart version exists.
import {
  type ClientStore,
  createClient,
  type StoreplaneClient,
  waitForStore,
} from "@storeplane/api/client";
import { describe, expect, it } from "vitest";
import { obtainToken } from "../src/auth.ts";
import { engineChartVersions } from "../src/chart-versions.ts";
import { helmHistory } from "../src/cluster-steps.ts";
import { readConfig } from "../src/config.ts";
import { resolveLocalhostNames } from "../src/localhost-dns.ts";
import { deleteAndProve, provisionAndOrder, type StoreOutcome } from "../src/suite.ts";
import { clusterProblem } from "../src/tools.ts";

const problem = clusterProblem();
const ENGINES = ["woocommerce", "medusa"] as const;
// The default reporter shows a skipped file only as "skipped": say why, once, in the output.
if (problem) console.warn(`rollouts on a real cluster — skipped: ${problem}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a rollout of every eligible store to `version` and waits until it completed. */
async function rollOut(
  client: StoreplaneClient,
  engine: string,
  version: string,
  timeoutMs: number,
) {
  const started = await client.rollouts.start.mutate({
    engine: engine as (typeof ENGINES)[number],
    chartVersion: version,
    waves: [{ stores: 1 }, { percent: 100 }],
    pauseSeconds: 0,
    waveDeadlineSeconds: 900,
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await client.rollouts.status.query({ id: started.id });
    if (status.state === "completed") return status;
    if (status.state === "halted" || status.state === "aborted")
      throw new Error(
        `rollout to ${engine} ${version} ${status.state}: ${status.haltReason ?? "no reason"} (store ${status.haltedStoreName ?? "-"})`,
      );
    if (Date.now() > deadline)
      throw new Error(`rollout to ${engine} ${version} still ${status.state}`);
    await sleep(5_000);
  }
}

async function readyOn(
  client: StoreplaneClient,
  id: string,
  version: string,
  timeoutMs: number,
): Promise<ClientStore> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { store } = await waitForStore(client, id, { timeoutMs, intervalMs: 3_000 });
    if (store.phase === "Ready" && store.deployedChartVersion === version) return store;
    if (Date.now() > deadline)
      throw new Error(
        `${store.name} is ${store.phase} on ${store.deployedChartVersion}, not Ready on ${version}`,
      );
    await sleep(3_000);
  }
}

const cases = ENGINES.map((engine) => {
  const versions = engineChartVersions(engine);
  const newest = versions.all.at(-1) as string;
  const single = versions.all.length < 2;
  return {
    engine,
    versions,
    newest,
    title: single
      ? `${engine}: rolls two stores to the newest chart version — skipped: only one ${engine} chart version (${newest}) in charts/ and charts/archive, nothing to roll out to`
      : `${engine}: rolls two stores to ${newest} with exactly one new helm revision each`,
    skip: single,
  };
});

for (const c of cases) if (c.skip && !problem) console.warn(c.title);

(problem ? describe.skip : describe)(
  problem ? `rollouts on a real cluster — skipped: ${problem}` : "rollouts on a real cluster",
  () => {
    const config = readConfig();
    const log = (line: string) => console.log(line);

    for (const c of cases) {
      it.skipIf(c.skip)(
        c.title,
        async () => {
          resolveLocalhostNames();
          const client = createClient({ url: config.url, token: await obtainToken(config, log) });
          const outcomes: StoreOutcome[] = [1, 2].map((n) => ({
            engine: c.engine,
            name: `e2e-ro-${c.engine.slice(0, 3)}${n}-${config.runId}`,
          }));
          let failed = true;
          try {
            await Promise.all(outcomes.map((o) => provisionAndOrder(client, config, o, log)));
            const ids = outcomes.map((o) => o.id as string);
            if (c.versions.current === c.newest) {
              // New stores already run the newest version: move them back first.
              const previous = c.versions.all.at(-2) as string;
              log(`${c.engine}: stores start on ${c.newest}; moving them to ${previous} first`);
              await rollOut(client, c.engine, previous, 60 * 60_000);
              await Promise.all(
                ids.map((id) => readyOn(client, id, previous, config.readyTimeoutMs)),
              );
            }
            const before = outcomes.map((o) => helmHistory(o.name).length);
            const started = Date.now();
            const status = await rollOut(client, c.engine, c.newest, 60 * 60_000);
            log(
              `${c.engine}: rollout to ${c.newest} completed in ${Math.round((Date.now() - started) / 1000)}s`,
            );
            expect(
              status.stores.filter((s) => ids.includes(s.storeId)).map((s) => s.state),
            ).toEqual(["succeeded", "succeeded"]);
            for (const [i, o] of outcomes.entries()) {
              const store = await readyOn(client, o.id as string, c.newest, config.readyTimeoutMs);
              expect(store.chartVersion).toBe(c.newest);
              const history = helmHistory(o.name);
              expect(history.length, `${o.name}: helm revisions`).toBe((before[i] as number) + 1);
              expect(history.at(-1)).toMatchObject({
                status: "deployed",
                chart: `${c.engine}-${c.newest}`,
              });
            }
            failed = false;
          } finally {
            if (failed && config.keepOnFailure) log("E2E_KEEP=1: leaving the stores in place");
            else
              await Promise.allSettled(outcomes.map((o) => deleteAndProve(client, config, o, log)));
          }
        },
        120 * 60_000,
      );
    }
  },
);
