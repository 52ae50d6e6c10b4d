// `storectl rollout …` (admins): move every store of an engine to a chart
// version in waves (docs/fleet.md, Rollouts). Like the other commands they
// change desired state and return; the controller's rollout driver does the
// work, `rollout status` shows where it stands (`--wait`: follows it to its
// end, exit 0 only when completed).
import { ENGINES } from "@storeplane/db/domain";
import { type Command, Option } from "commander";
import type { StoreplaneClient } from "../client/index.ts";
import { waitForRollout } from "../client/wait-rollout.ts";
import { ReportedFailure, UsageError } from "./errors.ts";
import { type Output, printJson, progressPrinter, table } from "./output.ts";

type Connect = (command: Command) => Promise<{ client: StoreplaneClient; out: Output }>;
type Status = Awaited<ReturnType<StoreplaneClient["rollouts"]["status"]["query"]>>;

function printStatus(out: Output, status: Status): void {
  out.write(
    `Rollout ${status.id}: ${status.engine} → ${status.targetChartVersion}, ${status.state}\n`,
  );
  if (status.haltReason) {
    out.write(
      `halted at ${status.haltedStoreName ?? status.haltedStoreId}: ${status.haltReason}\n`,
    );
  }
  out.write(
    `${table([
      ["WAVE", "STORES", "PENDING", "UPGRADING", "SUCCEEDED", "FAILED", "ROLLED-BACK", "SKIPPED"],
      ...status.waveSummary.map((w) => [
        String(w.wave),
        String(w.stores),
        String(w.pending),
        String(w.upgrading),
        String(w.succeeded),
        String(w.failed),
        String(w["rolled-back"]),
        String(w.skipped),
      ]),
    ])}\n`,
  );
}

/** One line while following: "running · wave 2: 12/49 succeeded, 5 upgrading", or the halt. */
function describeRolloutProgress(status: Status): string {
  if (status.haltReason) {
    return `${status.state} at ${status.haltedStoreName ?? status.haltedStoreId}: ${status.haltReason}`;
  }
  const current =
    status.waveSummary.find((w) => w.pending + w.upgrading > 0) ?? status.waveSummary.at(-1);
  if (!current) return status.state;
  return `${status.state} · wave ${current.wave}: ${current.succeeded}/${current.stores} succeeded, ${current.upgrading} upgrading`;
}

function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${flag}: must be a whole number`);
  return n;
}

export function addRolloutCommands(program: Command, connect: Connect): void {
  const rollout = program
    .command("rollout")
    .description("move every store of an engine to a chart version, in waves (admins)");

  rollout
    .command("start <chart-version>")
    .description("start a rollout: a canary store, then 10 %, 50 %, 100 %")
    .addOption(
      new Option("--engine <engine>", "which stores").choices(ENGINES).makeOptionMandatory(),
    )
    .option("--deadline <seconds>", "seconds an upgraded store has to be Ready", "600")
    .option("--pause <seconds>", "seconds between waves", "300")
    .option("--max-unavailable <n>", "most stores upgrading at once", "10")
    .action(
      async (
        chartVersion: string,
        options: {
          engine: (typeof ENGINES)[number];
          deadline: string;
          pause: string;
          maxUnavailable: string;
        },
        command: Command,
      ) => {
        const input = {
          engine: options.engine,
          chartVersion,
          waveDeadlineSeconds: wholeNumber("--deadline", options.deadline),
          pauseSeconds: wholeNumber("--pause", options.pause),
          maxUnavailable: wholeNumber("--max-unavailable", options.maxUnavailable),
        };
        const { client, out } = await connect(command);
        const status = await client.rollouts.start.mutate(input);
        if (out.json) return printJson(out, status);
        printStatus(out, status);
      },
    );

  rollout
    .command("status <rollout-id>")
    .description("where a rollout stands: its state, each wave, a halt's store and reason")
    .option(
      "--wait",
      "follow it until it is completed, halted or aborted (exit 0 only if completed)",
    )
    .option("--timeout <seconds>", "give up waiting after this long", "3600")
    .addOption(
      new Option("--poll-interval <ms>", "how often to poll while waiting")
        .default("2000")
        .hideHelp(),
    )
    .action(
      async (
        id: string,
        options: { wait?: boolean; timeout: string; pollInterval: string },
        command: Command,
      ) => {
        const timeoutSeconds = Number(options.timeout);
        const intervalMs = Number(options.pollInterval);
        if (!(timeoutSeconds > 0))
          throw new UsageError("--timeout: must be a positive number of seconds");
        if (!(intervalMs > 0)) throw new UsageError("--poll-interval: must be a positive number");
        const { client, out } = await connect(command);
        if (!options.wait) {
          const status = await client.rollouts.status.query({ id });
          if (out.json) return printJson(out, status);
          return printStatus(out, status);
        }
        const progress = progressPrinter(out);
        let followed: Awaited<ReturnType<typeof waitForRollout<Status>>>;
        try {
          followed = await waitForRollout(client, id, {
            timeoutMs: timeoutSeconds * 1000,
            intervalMs,
            onProgress: (current) => progress.update(describeRolloutProgress(current)),
          });
        } finally {
          progress.done();
        }
        if (out.json) printJson(out, followed);
        else printStatus(out, followed.rollout);
        // A halted or aborted rollout did not reach its target: a script sees exit 1.
        if (followed.outcome !== "completed") throw new ReportedFailure();
      },
    );

  for (const action of ["pause", "resume", "abort"] as const) {
    rollout
      .command(`${action} <rollout-id>`)
      .description(
        {
          pause: "assign no more stores until resumed",
          resume: "go on (after a halt, the failed store stays on its previous version)",
          abort: "stop for good; stores keep the version they run",
        }[action],
      )
      .action(async (id: string, _options, command: Command) => {
        const { client, out } = await connect(command);
        const status = await client.rollouts[action].mutate({ id });
        if (out.json) return printJson(out, status);
        printStatus(out, status);
      });
  }
}
