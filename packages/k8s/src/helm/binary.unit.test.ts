// Level: unit (binary resolution order, on temp files).
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveHelmBinary } from "./binary.ts";

let dir: string;
let binDir: string;
let onPath: string;
let tools: string;
let explicit: string;

async function executable(path: string) {
  await writeFile(path, "#!/bin/sh\n");
  await chmod(path, 0o755);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "helm-bin-"));
  binDir = join(dir, "bin");
  await mkdir(binDir);
  onPath = join(binDir, "helm");
  tools = join(dir, "tools-helm");
  explicit = join(dir, "my-helm");
  await Promise.all([executable(onPath), executable(tools), executable(explicit)]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("resolveHelmBinary", () => {
  it("prefers $HELM_BIN", () => {
    expect(resolveHelmBinary({ env: { HELM_BIN: explicit, PATH: binDir }, toolsHelm: tools })).toBe(
      explicit,
    );
  });
  it("then helm on PATH", () => {
    expect(resolveHelmBinary({ env: { PATH: `/nonexistent:${binDir}` }, toolsHelm: tools })).toBe(
      onPath,
    );
  });
  it("then the repo's tools folder", () => {
    expect(resolveHelmBinary({ env: { PATH: "/nonexistent" }, toolsHelm: tools })).toBe(tools);
  });
  it("returns null when none exists, and never falls back from a broken explicit choice", () => {
    expect(
      resolveHelmBinary({ env: { PATH: "/nonexistent" }, toolsHelm: join(dir, "nope") }),
    ).toBeNull();
    expect(
      resolveHelmBinary({ env: { HELM_BIN: join(dir, "nope"), PATH: binDir }, toolsHelm: tools }),
    ).toBeNull();
  });
});
