// The audit entry for a mutation, written with the caller's identity and
// origin from the context. Call it with the transaction that makes the change.
import { type AppendAuditInput, appendAudit, type Database } from "@storeplane/db";
import type { Kysely } from "kysely";
import type { Context } from "./trpc.ts";

export async function audit(
  trx: Kysely<Database>,
  ctx: Pick<Context, "auth" | "ip" | "userAgent">,
  entry: Pick<AppendAuditInput, "action" | "targetType" | "targetId" | "details"> & {
    /** For actions before there is an auth (sign-up, login): who it is about. */
    actor?: { userId: string; name: string };
  },
): Promise<void> {
  await appendAudit(trx, {
    actorUserId: entry.actor?.userId ?? ctx.auth?.user.id ?? null,
    actor: entry.actor?.name ?? ctx.auth?.actor ?? "anonymous",
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    details: entry.details ?? {},
  });
}
