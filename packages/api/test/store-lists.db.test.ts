// Paginated lists through the typed client over real HTTP: limits and cursors
// validated with field errors, filters, totals, owner rules, and the client's
// helper that walks every page.
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import {
  clientErrorCode,
  clientFieldErrors,
  createClient,
  type StoreplaneClient,
} from "../src/client/create-client.ts";
import { listAllStores, pages } from "../src/client/pages.ts";
import { decodeCursor, encodeCursor } from "../src/schemas/pages.ts";
import type { ApiDeps } from "../src/trpc.ts";
import { makeDeps, PASSWORD, uniqueEmail } from "./helpers.ts";
import { serveApi } from "./http-server.ts";

async function failure(promise: Promise<unknown>): Promise<TRPCClientError<never>> {
  const error = await promise.then(
    () => new Error("expected the call to fail"),
    (caught: unknown) => caught,
  );
  if (!(error instanceof TRPCClientError)) throw error;
  return error as TRPCClientError<never>;
}

describeEachDatabase("paginated store lists over HTTP", ({ handle }) => {
  let server: Awaited<ReturnType<typeof serveApi>>;
  let deps: ApiDeps;
  beforeAll(async () => {
    deps = makeDeps(handle());
    server = await serveApi(deps);
  });
  afterAll(async () => server?.close());
  beforeEach(async () => resetDatabase(handle()));

  async function user(): Promise<{
    client: StoreplaneClient;
    id: string;
    email: string;
    token: string;
  }> {
    const email = uniqueEmail();
    const { sessionToken, user } = await createClient({ url: server.url }).auth.signup.mutate({
      email,
      password: PASSWORD,
    });
    return {
      client: createClient({ url: server.url, token: sessionToken }),
      id: user.id,
      email,
      token: sessionToken,
    };
  }

  /** Rows straight into the table: quotas are not what is under test. */
  async function seedStores(ownerId: string, count: number, prefix: string) {
    await handle()
      .db.insertInto("stores")
      .values(
        Array.from({ length: count }, (_, i) => ({
          name: `${prefix}-${String(i).padStart(3, "0")}`,
          engine: i % 2 === 0 ? ("woocommerce" as const) : ("medusa" as const),
          plan: "small" as const,
          owner_id: ownerId,
          phase: i % 5 === 0 ? ("Failed" as const) : ("Ready" as const),
          created_at: new Date(Date.UTC(2026, 10, 1) + i * 1000),
        })),
      )
      .execute();
  }

  it("refuses bad limits, cursors and filters with a message per field", async () => {
    const { client } = await user();
    const cases: Array<[Record<string, unknown>, Record<string, string[]>]> = [
      [{ limit: 0 }, { limit: ["must be between 1 and 200"] }],
      [{ limit: 201 }, { limit: ["must be between 1 and 200"] }],
      [{ limit: 2.5 }, { limit: ["must be a whole number"] }],
      [
        { cursor: "not a cursor" },
        { cursor: ["is not a cursor from this list (pass nextCursor of the previous page)"] },
      ],
      [
        { cursor: encodeCursor("not-a-uuid") },
        { cursor: ["is not a cursor from this list (pass nextCursor of the previous page)"] },
      ],
      [
        { phase: "Sleeping" },
        {
          phase: [
            "must be one of Pending, Provisioning, Ready, Restoring, Suspended, Failed, Deleting, Deleted",
          ],
        },
      ],
      [{ engine: "magento" }, { engine: ["must be one of woocommerce, medusa"] }],
      [
        { namePrefix: "Shop" },
        { namePrefix: ["may contain only lowercase letters, digits and '-'"] },
      ],
    ];
    for (const [input, fieldErrors] of cases) {
      const error = await failure(client.stores.list.query(input as never));
      expect(clientErrorCode(error), JSON.stringify(input)).toBe("BAD_REQUEST");
      expect(clientFieldErrors(error), JSON.stringify(input)).toEqual(fieldErrors);
    }
  });

  it("pages a member's own stores, 50 by default, with filters and the total", async () => {
    const member = await user();
    const other = await user();
    await seedStores(member.id, 120, "mine");
    await seedStores(other.id, 5, "theirs");

    const first = await member.client.stores.list.query();
    expect(first.limit).toBe(50);
    expect(first.total).toBe(120);
    expect(first.items).toHaveLength(50);
    expect(first.items[0]?.name).toBe("mine-119");
    expect(decodeCursor(first.nextCursor ?? "")).toBe(first.items[49]?.id);

    const names: string[] = [];
    for await (const items of pages((cursor) =>
      member.client.stores.list.query({ limit: 50, ...(cursor ? { cursor } : {}) }),
    )) {
      names.push(...items.map((s) => s.name));
    }
    expect(names).toHaveLength(120);
    expect(new Set(names).size).toBe(120);
    expect(names.every((name) => name.startsWith("mine-"))).toBe(true);

    const failedMedusa = await member.client.stores.list.query({
      engine: "medusa",
      phase: "Failed",
    });
    // i odd and i % 5 === 0: 5, 15, …, 115.
    expect(failedMedusa.total).toBe(12);
    expect(failedMedusa.items.every((s) => s.engine === "medusa" && s.phase === "Failed")).toBe(
      true,
    );
    const prefixed = await member.client.stores.list.query({ namePrefix: "mine-11" });
    expect(prefixed.items.map((s) => s.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `mine-11${9 - i}`),
    );
  });

  it("only admins see other users' stores, by all or by owner (email or id)", async () => {
    const admin = await user(); // the first account is the admin
    const member = await user();
    await seedStores(admin.id, 3, "adm");
    await seedStores(member.id, 4, "mem");

    const forbidden = await failure(member.client.stores.list.query({ owner: admin.email }));
    expect(clientErrorCode(forbidden)).toBe("FORBIDDEN");
    expect(forbidden.message).toBe("owner: only admins may list another user's stores");
    expect(clientErrorCode(await failure(member.client.stores.list.query({ all: true })))).toBe(
      "FORBIDDEN",
    );
    expect(clientErrorCode(await failure(member.client.admin.stores.query()))).toBe("FORBIDDEN");

    expect((await admin.client.stores.list.query()).total).toBe(3);
    expect((await admin.client.stores.list.query({ all: true })).total).toBe(7);
    const byEmail = await admin.client.stores.list.query({ owner: member.email.toUpperCase() });
    expect(byEmail.items.map((s) => s.name)).toEqual(["mem-003", "mem-002", "mem-001", "mem-000"]);
    expect((await admin.client.stores.list.query({ owner: member.id })).total).toBe(4);
    expect(await admin.client.stores.list.query({ owner: "nobody@example.test" })).toEqual({
      items: [],
      total: 0,
      nextCursor: null,
      limit: 50,
    });

    // admin.stores: owners' emails on each row, deleted stores by default.
    await handle()
      .db.updateTable("stores")
      .set({ deleted_at: new Date(), phase: "Deleted" })
      .where("name", "=", "mem-000")
      .execute();
    const adminPage = await admin.client.admin.stores.query({ limit: 2, owner: member.email });
    expect(adminPage.total).toBe(4);
    expect(adminPage.items.map((s) => [s.name, s.ownerEmail])).toEqual([
      ["mem-003", member.email],
      ["mem-002", member.email],
    ]);
    const rest = await admin.client.admin.stores.query({
      limit: 2,
      owner: member.email,
      cursor: adminPage.nextCursor ?? "",
    });
    expect(rest.items.map((s) => s.name)).toEqual(["mem-001", "mem-000"]);
    expect(rest.nextCursor).toBeNull();
    expect(
      (await admin.client.admin.stores.query({ includeDeleted: false, owner: member.id })).total,
    ).toBe(3);
  });

  it("admin.users pages users with their live store counts and an email prefix", async () => {
    const admin = await user();
    const members = [await user(), await user(), await user()];
    await seedStores(members[1]!.id, 2, "two");
    const first = await admin.client.admin.users.query({ limit: 2 });
    expect(first.total).toBe(4);
    expect(first.items.map((u) => u.id)).toEqual([admin.id, members[0]!.id]);
    const second = await admin.client.admin.users.query({
      limit: 2,
      cursor: first.nextCursor ?? "",
    });
    expect(second.items.map((u) => [u.id, u.liveStores])).toEqual([
      [members[1]!.id, 2],
      [members[2]!.id, 0],
    ]);
    expect(second.nextCursor).toBeNull();
    const found = await admin.client.admin.users.query({
      emailPrefix: members[2]!.email.slice(0, -5).toUpperCase(),
    });
    expect(found.items.map((u) => u.id)).toEqual([members[2]!.id]);
  });

  it("listAllStores walks every page of 200 and stops at max", async () => {
    const member = await user();
    await seedStores(member.id, 450, "many");
    // Count the page requests on the wire.
    let requests = 0;
    const counting = createClient({
      url: server.url,
      token: member.token,
      fetch: async (input, init) => {
        requests += 1;
        return fetch(input, init);
      },
    });
    const all = await listAllStores(counting, { engine: "woocommerce" });
    expect(all).toHaveLength(225);
    expect(requests).toBe(2);
    expect(new Set(all.map((s) => s.id)).size).toBe(225);
    expect(all.every((s) => s.engine === "woocommerce")).toBe(true);
    const some = await listAllStores(member.client, {}, { max: 210 });
    expect(some.map((s) => s.name)).toEqual(
      Array.from({ length: 210 }, (_, i) => `many-${String(449 - i).padStart(3, "0")}`),
    );
  });
});
