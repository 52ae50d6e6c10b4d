// storectl: the platform from a terminal or a script, on the typed client only.
// Exit codes: 0 ok, 1 error (server refused, unreachable, store Failed while
// waiting), 2 usage (bad arguments, invalid input, not logged in).
import { ENGINES, type Engine, PHASES, type Phase } from "@storeplane/db/domain";
import { TRPCClientError } from "@trpc/client";
import { Command, CommanderError, Option } from "commander";
import {
  clientErrorCode,
  clientFieldErrors,
  createClient,
  type StoreplaneClient,
} from "../client/create-client.ts";
import { listAllStores } from "../client/pages.ts";
import { describeProgress } from "../client/progress.ts";
import { WaitTimeoutError, waitForStore } from "../client/wait.ts";
import { RolloutWaitTimeoutError } from "../client/wait-rollout.ts";
import { PLAN_CHOICES } from "../schemas/plans.ts";
import { addBackupCommands } from "./backup-commands.ts";
import { loadConfig, saveConfig } from "./config.ts";
import { type CliEnv, readCliEnv } from "./env.ts";
import { ReportedFailure, UsageError } from "./errors.ts";
import {
  chartHistoryLines,
  createOutput,
  type Output,
  printJson,
  progressPrinter,
  storeDetails,
  storeTable,
  table,
} from "./output.ts";
import { addRolloutCommands } from "./rollout-commands.ts";

export { UsageError };

interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

interface WaitOptions {
  wait?: boolean;
  timeout: string;
  pollInterval: string;
}

export function buildProgram(env: CliEnv): Command {
  const program = new Command("storectl")
    .description("Create, inspect and delete storeplane stores")
    .option("--url <url>", "platform URL (overrides the saved login and STORECTL_URL)")
    .option("--token <token>", "API token (overrides the saved login and STORECTL_TOKEN)")
    .option("--json", "print JSON instead of text")
    .showHelpAfterError()
    .exitOverride();

  const connect = async (command: Command) => {
    const options = command.optsWithGlobals<GlobalOptions>();
    const saved = await loadConfig(env.configPath);
    const url = options.url ?? env.url ?? saved?.url;
    const token = options.token ?? env.token ?? saved?.token;
    if (!url || !token) {
      throw new UsageError("not logged in: run `storectl login --url <url> --token <token>`");
    }
    return { client: createClient({ url, token }), out: createOutput(Boolean(options.json)) };
  };

  program
    .command("login")
    .description(`check a token and save it to ${env.configPath}`)
    // --url and --token are the program's global options, so `login --url …` fills those.
    .usage("--url <url> --token <token>")
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      if (!options.url) throw new UsageError("login: --url <url> is required");
      if (!options.token) throw new UsageError("login: --token <token> is required");
      const client = createClient({ url: options.url, token: options.token });
      const user = await client.auth.me.query();
      if (!user) throw new UsageError("token: not accepted by the server");
      await saveConfig(env.configPath, { url: options.url, token: options.token });
      const out = createOutput(Boolean(options.json));
      if (out.json) printJson(out, { url: options.url, user });
      else {
        out.write(
          `Logged in to ${options.url} as ${user.email} (${user.role}); saved to ${env.configPath}\n`,
        );
      }
    });

  program
    .command("whoami")
    .description("show the user the token belongs to")
    .action(async (_options, command: Command) => {
      const { client, out } = await connect(command);
      const user = await client.auth.me.query();
      if (out.json) printJson(out, user);
      else out.write(user ? `${user.email} (${user.role})\n` : "not signed in\n");
    });

  const stores = program.command("stores").description("manage stores");

  const withWait = (command: Command) =>
    command
      .option("--wait", "follow the store until it is Ready, Failed or deleted")
      .option("--timeout <seconds>", "give up waiting after this long", "900")
      .addOption(
        new Option("--poll-interval <ms>", "how often to poll while waiting")
          .default("2000")
          .hideHelp(),
      );

  withWait(
    stores
      .command("create <name>")
      .description("request a new store")
      .addOption(
        new Option("--engine <engine>", "store engine")
          .choices(["woocommerce", "medusa"])
          .makeOptionMandatory(),
      )
      .option(
        "--plan <plan>",
        `resource plan: ${PLAN_CHOICES.map((p) => `${p.value} (${p.description})`).join(", ")}`,
        "small",
      )
      .option("--idempotency-key <key>", "repeat-safe key: the same key returns the same store")
      .option(
        "--deletion-protection",
        "refuse deletion until turned off (`stores deletion-protection <store> off`)",
      ),
  ).action(
    async (
      name: string,
      options: WaitOptions & {
        engine: string;
        plan: string;
        idempotencyKey?: string;
        deletionProtection?: boolean;
      },
      command: Command,
    ) => {
      const { client, out } = await connect(command);
      const store = await client.stores.create.mutate({
        name,
        engine: options.engine as "woocommerce" | "medusa",
        plan: options.plan as "small",
        ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
        ...(options.deletionProtection ? { deletionProtection: true } : {}),
      });
      if (options.wait) return follow(client, out, store.id, options, "settled");
      if (out.json) printJson(out, store);
      else
        out.write(
          `Store "${store.name}" requested (${store.engine}, ${store.plan}); it will be at ${store.storeUrl}\n`,
        );
    },
  );

  stores
    .command("list")
    .description("list your stores, newest first (every page: the client pages through)")
    .option("--all", "every user's stores (admins)")
    .option("--owner <email-or-id>", "one user's stores (admins)")
    .option("--include-deleted", "also stores that have been deleted")
    .addOption(new Option("--engine <engine>", "only this engine").choices(ENGINES))
    .addOption(new Option("--phase <phase>", "only stores in this phase").choices(PHASES))
    .option("--name-prefix <prefix>", "only names starting with this")
    .option("--max <n>", "stop after this many stores")
    .action(
      async (
        options: {
          all?: boolean;
          owner?: string;
          includeDeleted?: boolean;
          engine?: Engine;
          phase?: Phase;
          namePrefix?: string;
          max?: string;
        },
        command: Command,
      ) => {
        const max = options.max === undefined ? undefined : Number(options.max);
        if (max !== undefined && !(Number.isInteger(max) && max >= 1))
          throw new UsageError("--max: must be a positive whole number");
        const { client, out } = await connect(command);
        const list = await listAllStores(
          client,
          {
            ...(options.all ? { all: true } : {}),
            ...(options.owner ? { owner: options.owner } : {}),
            ...(options.includeDeleted ? { includeDeleted: true } : {}),
            ...(options.engine ? { engine: options.engine } : {}),
            ...(options.phase ? { phase: options.phase } : {}),
            ...(options.namePrefix ? { namePrefix: options.namePrefix } : {}),
          },
          max === undefined ? {} : { max },
        );
        if (out.json) printJson(out, list);
        else out.write(list.length ? `${storeTable(list)}\n` : "No stores.\n");
      },
    );

  stores
    .command("get <store>")
    .description("show a store (by name or id)")
    .action(async (ref: string, _options, command: Command) => {
      const { client, out } = await connect(command);
      const store = await client.stores.get.query({ id: ref });
      if (out.json) printJson(out, store);
      else {
        const history = await client.stores.chartHistory.query({ id: store.id });
        out.write(`${storeDetails(store)}\n${chartHistoryLines(history)}\n`);
      }
    });

  withWait(stores.command("delete <store>").description("request deletion of a store")).action(
    async (ref: string, options: WaitOptions, command: Command) => {
      const { client, out } = await connect(command);
      const store = await client.stores.delete.mutate({ id: ref });
      if (options.wait) return follow(client, out, store.id, options, "deleted");
      if (out.json) printJson(out, store);
      else out.write(`Deletion of "${store.name}" requested.\n`);
    },
  );

  stores
    .command("deletion-protection <store> <state>")
    .description("turn deletion protection on or off (while on, delete is refused)")
    .action(async (ref: string, state: string, _options, command: Command) => {
      if (state !== "on" && state !== "off") {
        throw new UsageError(`state: must be "on" or "off", not "${state}"`);
      }
      const { client, out } = await connect(command);
      const store = await client.stores.setDeletionProtection.mutate({
        id: ref,
        enabled: state === "on",
      });
      if (out.json) printJson(out, store);
      else out.write(`Deletion protection of "${store.name}" is ${state}.\n`);
    });

  withWait(
    stores
      .command("suspend <store>")
      .description("scale a store to zero, keeping its data; its URL shows a paused page"),
  ).action(async (ref: string, options: WaitOptions, command: Command) => {
    const { client, out } = await connect(command);
    const store = await client.stores.suspend.mutate({ id: ref });
    if (options.wait) return follow(client, out, store.id, options, "suspended");
    if (out.json) printJson(out, store);
    else out.write(`Suspend of "${store.name}" requested.\n`);
  });

  withWait(
    stores.command("resume <store>").description("bring a suspended store back to Ready"),
  ).action(async (ref: string, options: WaitOptions, command: Command) => {
    const { client, out } = await connect(command);
    const store = await client.stores.resume.mutate({ id: ref });
    if (options.wait) return follow(client, out, store.id, options, "settled");
    if (out.json) printJson(out, store);
    else out.write(`Resume of "${store.name}" requested.\n`);
  });

  withWait(stores.command("retry <store>").description("retry a Failed store")).action(
    async (ref: string, options: WaitOptions, command: Command) => {
      const { client, out } = await connect(command);
      const store = await client.stores.retry.mutate({ id: ref });
      if (options.wait) return follow(client, out, store.id, options, "settled");
      if (out.json) printJson(out, store);
      else out.write(`Retry of "${store.name}" requested.\n`);
    },
  );

  stores
    .command("events <store>")
    .description("a store's activity, oldest first")
    .option("--limit <n>", "how many recent events", "50")
    .action(async (ref: string, options: { limit: string }, command: Command) => {
      const { client, out } = await connect(command);
      const limit = Number.parseInt(options.limit, 10);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError("--limit: must be a positive number");
      const events = (await client.stores.events.query({ id: ref, limit })).reverse();
      if (out.json) return printJson(out, events);
      if (events.length === 0) return out.write("No events.\n");
      out.write(
        `${table([
          ["TIME", "TYPE", "REASON", "ACTOR", "MESSAGE"],
          ...events.map((e) => [
            new Date(e.createdAt).toISOString(),
            e.type,
            e.reason,
            e.actor,
            e.message,
          ]),
        ])}\n`,
      );
    });

  stores
    .command("credentials <store>")
    .description("show the store admin's login (the reveal is audited)")
    .action(async (ref: string, _options, command: Command) => {
      const { client, out } = await connect(command);
      const credentials = await client.stores.credentials.mutate({ id: ref });
      if (out.json) return printJson(out, credentials);
      out.write(
        `${[
          `Admin URL: ${credentials.adminUrl ?? "-"}`,
          `Username:  ${credentials.username}`,
          `Password:  ${credentials.password}`,
          ...(credentials.email ? [`Email:     ${credentials.email}`] : []),
        ].join("\n")}\n`,
      );
    });

  stores
    .command("resources <store>")
    .description("the store's pods, workloads and jobs, with problems")
    .action(async (ref: string, _options, command: Command) => {
      const { client, out } = await connect(command);
      const resources = await client.stores.resources.query({ id: ref });
      if (out.json) return printJson(out, resources);
      out.write(
        `${table([
          ["POD", "PHASE", "READY", "RESTARTS"],
          ...resources.pods.map((pod) => [
            pod.name,
            pod.phase,
            pod.ready ? "yes" : "no",
            String(pod.containers.reduce((sum, c) => sum + c.restartCount, 0)),
          ]),
        ])}\n`,
      );
      for (const problem of resources.problems) out.write(`problem: ${problem}\n`);
    });

  addBackupCommands(program, connect);
  addRolloutCommands(program, connect);

  return program;
}

async function follow(
  client: StoreplaneClient,
  out: Output,
  id: string,
  options: WaitOptions,
  until: "settled" | "deleted" | "suspended",
): Promise<void> {
  const timeoutSeconds = Number(options.timeout);
  const intervalMs = Number(options.pollInterval);
  if (!(timeoutSeconds > 0))
    throw new UsageError("--timeout: must be a positive number of seconds");
  if (!(intervalMs > 0)) throw new UsageError("--poll-interval: must be a positive number");
  const progress = progressPrinter(out);
  try {
    const { store, outcome } = await waitForStore(client, id, {
      until,
      timeoutMs: timeoutSeconds * 1000,
      intervalMs,
      onProgress: (current) => progress.update(describeProgress(current)),
    });
    if (out.json) {
      progress.done();
      printJson(out, { outcome, store });
    } else {
      // Text mode shows progress on stdout: the last progress line is the
      // final line, so print it once rather than once more after it.
      progress.finish(describeProgress(store));
    }
    if (outcome === "failed") throw new ReportedFailure();
  } catch (error) {
    progress.done();
    throw error;
  }
}

export async function main(argv: string[], env: CliEnv = readCliEnv()): Promise<number> {
  const program = buildProgram(env);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof ReportedFailure) return 1;
  if (error instanceof CommanderError) {
    // Commander has printed its own message (or the help) already.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
    // Help shown because a command was missing (`storectl stores`) is a usage error.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n`);
    return 2;
  }
  if (error instanceof WaitTimeoutError || error instanceof RolloutWaitTimeoutError) {
    process.stderr.write(`error: ${error.message}\n`);
    return 1;
  }
  if (error instanceof TRPCClientError) {
    const code = clientErrorCode(error);
    if (!code) {
      process.stderr.write(`error: cannot reach the platform: ${causeMessage(error)}\n`);
      return 1;
    }
    process.stderr.write(`error: ${error.message}\n`);
    const fields = clientFieldErrors(error);
    if (fields) {
      for (const [field, messages] of Object.entries(fields)) {
        for (const message of messages) {
          // The server's message already names most field errors ("name: …"):
          // print only what it does not say, so no line appears twice.
          if (!error.message.includes(`${field}: ${message}`)) {
            process.stderr.write(`  ${field}: ${message}\n`);
          }
        }
      }
    }
    return code === "BAD_REQUEST" ? 2 : 1;
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

function causeMessage(error: Error): string {
  const cause = error.cause as
    | { message?: string; cause?: { code?: string; message?: string } }
    | undefined;
  return cause?.cause?.code ?? cause?.cause?.message ?? cause?.message ?? error.message;
}
