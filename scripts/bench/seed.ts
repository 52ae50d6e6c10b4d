// Fast seeds for the benchmarks: one INSERT … SELECT generate_series per table,
// into a database migrated by the real migrations (the indexes under test).
// Rows look like a settled fleet: mostly Ready, some Failed, Provisioning and
// Deleted, created over the past weeks, and due for their next look in a year
// so that the controller running in the same process stays idle meanwhile.
import type { DatabaseHandle } from "@storeplane/db";
import { sql } from "kysely";

export interface FleetShape {
  /** Live stores of the member under test. */
  stores: number;
  /** Deleted stores (history rows the default lists leave out). */
  deleted: number;
  /** Other users, each with no stores (the admin users list). */
  otherUsers: number;
}

/** Seeds `shape.stores` live stores (and deleted ones) owned by `ownerId`. */
export async function seedFleet(
  handle: DatabaseHandle,
  ownerId: string,
  shape: FleetShape,
): Promise<void> {
  await sql`
    insert into users (email, password_hash, role, created_at)
    select 'user' || g || '@bench.test', 'x', 'member', now() - g * interval '1 minute'
    from generate_series(1, ${shape.otherUsers}::int) g`.execute(handle.db);
  // Names: shop-00001…; engines alternate woocommerce/woocommerce/medusa;
  // phases: 1 in 20 Failed, 1 in 50 Provisioning, else Ready. Each row carries
  // the six conditions the controller writes for a Ready store (what makes a
  // real row ~1 kB wide, and so what a table scan would cost).
  await sql`
    insert into stores (name, engine, plan, owner_id, phase, created_at, ready_at,
                        next_reconcile_at, generation, observed_generation, store_url, admin_url,
                        conditions)
    select 'shop-' || lpad(g::text, 5, '0'),
           case when g % 3 = 0 then 'medusa' else 'woocommerce' end,
           'small', ${ownerId}::uuid,
           case when g % 20 = 0 then 'Failed' when g % 50 = 1 then 'Provisioning' else 'Ready' end,
           now() - g * interval '2 minutes', now() - g * interval '2 minutes',
           now() + interval '1 year', 1, 1,
           'http://shop-' || g || '.localhost', 'http://shop-' || g || '.localhost/wp-admin',
           (select jsonb_agg(jsonb_build_object(
              'type', t, 'status', 'True', 'reason', 'Succeeded',
              'message', t || ' for shop-' || g || ': every object the step owns is in place and current',
              'observedGeneration', 1,
              'lastTransitionTime', to_char(now() - g * interval '2 minutes', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')))
            from unnest(array['NamespaceReady', 'GuardrailsReady', 'SecretsReady',
                              'ReleaseReady', 'WorkloadsReady', 'Ready']) t)
    from generate_series(1, ${shape.stores}::int) g`.execute(handle.db);
  await sql`
    insert into stores (name, engine, plan, owner_id, phase, created_at, deleted_at,
                        next_reconcile_at, generation, observed_generation)
    select 'gone-' || lpad(g::text, 5, '0'), 'woocommerce', 'small', ${ownerId}::uuid, 'Deleted',
           now() - g * interval '3 minutes', now() - g * interval '1 minute',
           now() + interval '1 year', 2, 2
    from generate_series(1, ${shape.deleted}::int) g`.execute(handle.db);
  await settleLikeAutovacuum(handle, "users");
  await settleLikeAutovacuum(handle, "stores");
}

/**
 * What autovacuum would have done on a live system by now: statistics for
 * the planner, and a visibility map so that index-only scans apply. A
 * transaction still open elsewhere (the controller's sweep in the same
 * process) can keep VACUUM from marking fresh pages all-visible, so repeat
 * until the map covers the table, as autovacuum's next rounds would.
 */
export async function settleLikeAutovacuum(handle: DatabaseHandle, table: string): Promise<void> {
  for (let round = 0; round < 20; round++) {
    await sql`vacuum analyze ${sql.table(table)}`.execute(handle.db);
    const { rows } = await sql<{ pages: number; visible: number }>`
      select relpages as pages, relallvisible as visible from pg_class where relname = ${table}`.execute(
      handle.db,
    );
    const map = rows[0];
    if (!map || map.visible >= map.pages) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`VACUUM never marked ${table} all-visible (a transaction left open?)`);
}
