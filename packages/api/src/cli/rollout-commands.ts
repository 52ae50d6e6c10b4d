// `storectl rollout …` (admins): move every store of an engine to a chart
// version in waves (docs/fleet.md, Rollouts). Like the other commands they
// change desired state and return; the controller's rollout driver does the
// work, `rollout status` shows where it stands.
import { ENGINES } from "@storeplane/db/domain";
import { type Command, Option } from "commander";
import type { StoreplaneClient } from "../client/index.ts";
import { type Output, printJson, table } from "./output.ts";

type Connect = (command: Command) => Promise<{ client: StoreplaneClient; out: Output }>;
type UsageErrorClass = new (message: string) => Error;
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

function wholeNumber(UsageError: UsageErrorClass, flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${flag}: must be a whole number`);
  return n;
}

export function addRolloutCommands(
  program: Command,
  connect: Connect,
  UsageError: UsageErrorClass,
): void {
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
          waveDeadlineSeconds: wholeNumber(UsageError, "--deadline", options.deadline),
          pauseSeconds: wholeNumber(UsageError, "--pause", options.pause),
          maxUnavailable: wholeNumber(UsageError, "--max-unavailable", options.maxUnavailable),
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
    .action(async (id: string, _options, command: Command) => {
      const { client, out } = await connect(command);
      const status = await client.rollouts.status.query({ id });
      if (out.json) return printJson(out, status);
      printStatus(out, status);
    });

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
