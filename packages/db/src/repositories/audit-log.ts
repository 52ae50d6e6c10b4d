// Who did what to which object, from where. Written in the same transaction as
// the change it records, so the log never claims a change that rolled back.
import type { Kysely } from "kysely";
import type { AuditEntry, Database } from "../schema.ts";

export interface AppendAuditInput {
  actorUserId: string | null;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Never put secrets here: the audit log is shown to admins. */
  details?: Record<string, unknown>;
}

export async function appendAudit(db: Kysely<Database>, input: AppendAuditInput): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      actor_user_id: input.actorUserId,
      actor: input.actor,
      action: input.action,
      target_type: input.targetType,
      target_id: input.targetId,
      ip: input.ip ?? null,
      user_agent: input.userAgent ?? null,
      details: JSON.stringify(input.details ?? {}),
    })
    .execute();
}

export async function listAudit(
  db: Kysely<Database>,
  filter: { targetType?: string; targetId?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  let query = db.selectFrom("audit_log").selectAll();
  if (filter.targetType) query = query.where("target_type", "=", filter.targetType);
  if (filter.targetId) query = query.where("target_id", "=", filter.targetId);
  return query
    .orderBy("id", "desc")
    .limit(filter.limit ?? 100)
    .execute();
}
