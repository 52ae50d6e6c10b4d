// `storectl backup …`: backups, restores, clones and schedules of a store.
// Like the store commands they request desired state and return; the
// controller runs the Jobs (`backup list` shows how they went).
import { BACKUP_FREQUENCIES } from "@storeplane/db/domain";
import { type Command, Option } from "commander";
import type { StoreplaneClient } from "../client/index.ts";
import type { BackupView } from "../views.ts";
import { UsageError } from "./errors.ts";
import { type Output, printJson, table } from "./output.ts";

type Connect = (command: Command) => Promise<{ client: StoreplaneClient; out: Output }>;

function size(bytes: number | null): string {
  if (bytes === null) return "-";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** "passed 2026-12-02T…", "running", or "-" when the backup was never verified. */
function verification(v: BackupView["verification"]): string {
  if (!v) return "-";
  return v.verifiedAt && (v.status === "passed" || v.status === "failed")
    ? `${v.status} ${new Date(v.verifiedAt).toISOString()}`
    : v.status;
}

export function addBackupCommands(program: Command, connect: Connect): void {
  const backup = program.command("backup").description("back up, restore and clone stores");

  backup
    .command("create <store>")
    .description("back up a store now (database, media and spec); the store stays Ready")
    .action(async (ref: string, _options, command: Command) => {
      const { client, out } = await connect(command);
      const created = await client.backups.create.mutate({ store: ref });
      if (out.json) return printJson(out, created);
      out.write(`Backup ${created.id} of "${ref}" requested.\n`);
    });

  backup
    .command("list <store>")
    .description("a store's backups, newest first")
    .action(async (ref: string, _options, command: Command) => {
      const { client, out } = await connect(command);
      const backups = await client.backups.list.query({ store: ref });
      if (out.json) return printJson(out, backups);
      if (backups.length === 0) return out.write("No backups.\n");
      out.write(
        `${table([
          ["ID", "KIND", "STATUS", "SIZE", "DURATION", "CREATED", "VERIFIED", "SHA256 / ERROR"],
          ...backups.map((b) => [
            b.id,
            b.kind,
            b.prunedAt ? `${b.status} (pruned)` : b.status,
            size(b.sizeBytes),
            b.durationMs === null ? "-" : `${(b.durationMs / 1000).toFixed(1)}s`,
            new Date(b.createdAt).toISOString(),
            verification(b.verification),
            b.error ?? b.verification?.error ?? (b.sha256 ? b.sha256.slice(0, 16) : "-"),
          ]),
        ])}\n`,
      );
    });

  backup
    .command("restore <backup-id>")
    .description("replace the store's data with a backup (asks for the store's name)")
    .option("--confirm <store-name>", "the store's name: required, the restore overwrites its data")
    .action(async (backupId: string, options: { confirm?: string }, command: Command) => {
      if (!options.confirm) {
        throw new UsageError(
          "--confirm: required; pass the store's name to confirm that its data is replaced",
        );
      }
      const { client, out } = await connect(command);
      const restore = await client.backups.restore.mutate({ backupId, confirm: options.confirm });
      if (out.json) return printJson(out, restore);
      out.write(
        `Restore of backup ${backupId} into "${options.confirm}" requested (${restore.id}).\n`,
      );
    });

  backup
    .command("clone <backup-id> <new-name>")
    .description(
      "a new store from a backup (new name, URL and credentials; counts against your quota)",
    )
    .action(async (backupId: string, name: string, _options, command: Command) => {
      const { client, out } = await connect(command);
      const clone = await client.backups.clone.mutate({ backupId, name });
      if (out.json) return printJson(out, clone);
      out.write(`Clone "${clone.store.name}" of backup ${backupId} requested.\n`);
    });

  backup
    .command("verify <store> [backup-id]")
    .description(
      "restore a backup (default: the latest) into a scratch database, check the engine and an order, drop it; the store is not touched",
    )
    .action(async (ref: string, backupId: string | undefined, _options, command: Command) => {
      const { client, out } = await connect(command);
      const verified = await client.backups.verify.mutate({ store: ref, backupId });
      if (out.json) return printJson(out, verified);
      out.write(
        `Verification of backup ${verified.id} of "${ref}" requested; \`storectl backup list ${ref}\` shows the result.\n`,
      );
    });

  backup
    .command("schedule <store>")
    .description("back a store up on a schedule, keeping the newest N")
    .addOption(
      new Option("--every <frequency>", "how often").choices(BACKUP_FREQUENCIES).default("daily"),
    )
    .option("--keep <n>", "how many complete backups to keep", "7")
    .action(
      async (
        ref: string,
        options: { every: (typeof BACKUP_FREQUENCIES)[number]; keep: string },
        command: Command,
      ) => {
        const keep = Number(options.keep);
        if (!Number.isInteger(keep)) throw new UsageError("--keep: must be a whole number");
        const { client, out } = await connect(command);
        const schedule = await client.backups.schedule.mutate({
          store: ref,
          frequency: options.every,
          keep,
        });
        if (out.json) return printJson(out, schedule);
        out.write(
          `Backing up "${ref}" ${schedule.frequency}, keeping ${schedule.keep}; next at ${new Date(schedule.nextRunAt).toISOString()}.\n`,
        );
      },
    );
}
