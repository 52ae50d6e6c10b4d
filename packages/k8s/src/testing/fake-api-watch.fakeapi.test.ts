// Level: the fake API server's watch protocol itself, read with plain fetch,
// against what the API concepts page documents (see fake-api-watch.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeApiServer } from "./fake-api-server.ts";

let api: FakeApiServer;
beforeAll(async () => {
  api = await new FakeApiServer().start();
});
afterAll(() => api.close());
beforeEach(() => api.reset());

/** Opens a watch and reads `n` events (newline-delimited JSON) from it. */
async function readEvents(path: string, n: number, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const res = await fetch(`${api.url}${path}`, { signal: ac.signal, headers });
  const events: {
    type: string;
    object: Record<string, unknown> & { metadata: Record<string, unknown> };
  }[] = [];
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  while (reader && events.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      events.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf("\n");
    }
  }
  ac.abort();
  return { status: res.status, events };
}

const pod = (name: string, labels: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "a", labels },
});

describe("fake API server watch", () => {
  it("gives every write the next global resourceVersion; a list reports the current one; a no-op write is no write", async () => {
    api.put(pod("p1", {}));
    api.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "a" } });
    const rv = Number(api.objects.resourceVersion);
    api.put(pod("p1", {}));
    expect(Number(api.objects.resourceVersion)).toBe(rv);
    const list = await (await fetch(`${api.url}/api/v1/pods`)).json();
    expect(list.metadata.resourceVersion).toBe(String(rv));
    expect(list.items[0].metadata.resourceVersion).toBe(String(rv - 1));
  });

  it("replays changes after resourceVersion, turns selector exits into DELETED, and streams live ones", async () => {
    api.put(pod("p1", { app: "x" }));
    const from = api.objects.resourceVersion;
    api.put(pod("p2", { app: "x" }));
    api.put(pod("p1", { app: "y" })); // leaves the selector
    api.put(pod("other", { app: "y" })); // never selected
    const pending = readEvents(
      `/api/v1/pods?watch=1&labelSelector=app%3Dx&resourceVersion=${from}`,
      3,
    );
    await new Promise((r) => setTimeout(r, 50));
    api.objects.delete("|pods|a|p2");
    const { status, events } = await pending;
    expect(status).toBe(200);
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      "ADDED p2",
      "DELETED p1",
      "DELETED p2",
    ]);
    expect(Number(events[2]?.object.metadata.resourceVersion)).toBeGreaterThan(Number(from));
  });

  it("without resourceVersion starts with the current objects; metadata-only watches carry metadata only", async () => {
    api.put({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "a" },
      data: { k: "djE=" },
    });
    const { events } = await readEvents("/api/v1/secrets?watch=true", 1, {
      accept: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
    });
    expect(events[0]?.type).toBe("ADDED");
    expect(events[0]?.object.kind).toBe("PartialObjectMetadata");
    expect(events[0]?.object).not.toHaveProperty("data");
  });

  it("answers a compacted resourceVersion with 200 and one ERROR event carrying a 410 Expired Status", async () => {
    api.put(pod("p1", {}));
    const old = api.objects.resourceVersion;
    api.put(pod("p2", {}));
    api.objects.compact();
    const { status, events } = await readEvents(
      `/api/v1/pods?watch=true&resourceVersion=${old}`,
      2,
    );
    expect(status).toBe(200);
    expect(events).toEqual([
      {
        type: "ERROR",
        object: {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: `too old resource version: ${old} (${Number(old) + 2})`,
          reason: "Expired",
          code: 410,
        },
      },
    ]);
  });

  it("sends BOOKMARKs only to watches that allow them", async () => {
    const rv = api.objects.resourceVersion;
    const withMarks = readEvents(
      `/apis/apps/v1/deployments?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`,
      1,
    );
    const without = fetch(`${api.url}/api/v1/pods?watch=true&resourceVersion=${rv}`);
    await without;
    await new Promise((r) => setTimeout(r, 50));
    expect(api.objects.sendBookmarks()).toBe(1);
    const { events } = await withMarks;
    expect(events[0]).toEqual({
      type: "BOOKMARK",
      object: { kind: "Deployment", apiVersion: "apps/v1", metadata: { resourceVersion: rv } },
    });
    expect(api.objects.dropWatches((w) => w.target.resource === "pods")).toBe(1);
  });
});
