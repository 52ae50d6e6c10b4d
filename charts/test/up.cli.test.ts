// Level: real processes. `npm run up` must stop at once, before touching
// anything, and name exactly the tools that are missing. Runs the real script
// with bash and a PATH we control (stub tools in a temp dir).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./helm.ts";

const TOOLS = ["docker", "kind", "kubectl", "helm"] as const;
const work = mkdtempSync(join(tmpdir(), "storeplane-up-"));
const called = join(work, "called");

afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A bin dir with stubs for `tools`; each stub records that it ran, docker's
 * `info` fails, and helm answers `version` as `helmVersion` (as real helm
 * prints `helm version --short`: v4.1.4+g05fa379).
 */
function binWith(tools: readonly string[], name: string, helmVersion = "v4.1.4+g05fa379"): string {
  const dir = join(work, name);
  spawnSync("mkdir", ["-p", dir]);
  for (const tool of tools) {
    const file = join(dir, tool);
    const body =
      tool === "docker"
        ? `#!/bin/sh\necho "docker $*" >> "${called}"\n[ "$1" = info ] && exit 1\nexit 0\n`
        : tool === "helm"
          ? `#!/bin/sh\necho "helm(${name}) $*" >> "${called}"\n[ "$1" = version ] && echo "${helmVersion}"\nexit 0\n`
          : `#!/bin/sh\necho "${tool} $*" >> "${called}"\nexit 0\n`;
    writeFileSync(file, body);
    chmodSync(file, 0o755);
  }
  return dir;
}

function up(path: string, toolsBin = join(work, "no-tools")) {
  const started = Date.now();
  const result = spawnSync("/bin/bash", [join(repoRoot, "scripts", "up.sh")], {
    env: { PATH: path, STOREPLANE_TOOLS_BIN: toolsBin },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

describe("npm run up (scripts/up.sh) without its tools", () => {
  it("names all four when none is on PATH, exits 127, changes nothing", () => {
    const result = up(binWith([], "none"));
    expect(result.status).toBe(127);
    expect(result.stderr).toContain("missing required tools: docker kind kubectl helm");
    expect(result.stderr).toContain("Nothing was changed.");
    expect(result.seconds).toBeLessThan(5);
  });

  it("names exactly the missing ones", () => {
    rmSync(called, { force: true });
    const result = up(binWith(["docker", "kubectl"], "some"));
    expect(result.status).toBe(127);
    expect(result.stderr).toMatch(/missing required tools: kind helm\n/);
    expect(result.stderr).not.toMatch(/- docker:|- kubectl:/);
    expect(existsSync(called), "no tool may run before the check passes").toBe(false);
  });

  it("stops when docker is installed but its daemon is unreachable, before creating anything", () => {
    rmSync(called, { force: true });
    const result = up(binWith(TOOLS, "all"));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("docker is installed but its daemon is not reachable");
    // Only the helm version check and `docker info` ran: no cluster was created, nothing was installed.
    expect(spawnSync("cat", [called], { encoding: "utf8" }).stdout.trim().split("\n")).toEqual([
      "helm(all) version --short",
      "docker info",
    ]);
  });

  // GitHub's ubuntu-24.04 runner ships Helm 3 on PATH. Helm 3's --wait and
  // server-side apply differ from Helm 4's; the bring-up is tested with Helm 4.
  it("uses the Helm 4 in the tools dir even when another helm comes first on PATH", () => {
    rmSync(called, { force: true });
    const path = binWith(TOOLS, "path3", "v3.21.0+g1234567");
    const tools = binWith(["helm"], "tools4");
    const result = up(path, tools);
    expect(result.stderr).toContain("docker is installed but its daemon is not reachable");
    const log = spawnSync("cat", [called], { encoding: "utf8" }).stdout;
    expect(log).toContain("helm(tools4) version");
    expect(log).not.toContain("helm(path3)");
  });

  it("refuses a Helm other than 4.x, naming the one it found, before touching anything", () => {
    rmSync(called, { force: true });
    const result = up(binWith(TOOLS, "only3", "v3.21.0+g1234567"));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/needs Helm 4.*v3\.21\.0/);
    expect(spawnSync("cat", [called], { encoding: "utf8" }).stdout).not.toContain("docker");
  });

  // On a machine that has everything this would really create a cluster, so it only runs where something is missing.
  const absent = TOOLS.filter(
    (tool) => spawnSync("/bin/bash", ["-c", `command -v ${tool}`]).status !== 0,
  );
  const daemonUp = absent.includes("docker")
    ? false
    : spawnSync("docker", ["info"], { stdio: "ignore" }).status === 0;
  it.skipIf(absent.length === 0 && daemonUp)(
    "on this machine's own PATH fails fast and names what is missing",
    () => {
      const result = up(process.env.PATH ?? "");
      expect(result.status).not.toBe(0);
      expect(result.seconds).toBeLessThan(10);
      if (absent.length > 0)
        expect(result.stderr).toContain(`missing required tools: ${absent.join(" ")}`);
      else expect(result.stderr).toMatch(/daemon is not reachable/);
    },
  );
});

// The whole script with every tool stubbed (each stub records its arguments):
// which chart, node image and tags `npm run up` really passes, and that a
// rebuilt image gets a new tag (so a re-run rolls it out) while an unchanged
// one keeps its tag (so nothing rolls).
describe("npm run up (scripts/up.sh) with stub tools that succeed", () => {
  const log = join(work, "full-run");
  function fullBin(): string {
    const dir = join(work, "full");
    spawnSync("mkdir", ["-p", dir]);
    const stubs: Record<string, string> = {
      // `docker image inspect --format {{.Id}} <ref>`: an id derived from the ref and $IMAGE_SEED.
      docker: `#!/bin/sh\necho "docker $*" >> "${log}"\nif [ "$1" = image ] && [ "$2" = inspect ]; then\n  printf 'sha256:%s\\n' "$(printf '%s' "$IMAGE_SEED$5" | sha256sum | cut -c1-64)"\nfi\nexit 0\n`,
      kind: `#!/bin/sh\necho "kind $*" >> "${log}"\nexit 0\n`,
      kubectl: `#!/bin/sh\necho "kubectl $*" >> "${log}"\nexit 0\n`,
      helm: `#!/bin/sh\necho "helm $*" >> "${log}"\n[ "$1" = version ] && echo v4.1.4+g05fa379\nexit 0\n`,
    };
    for (const [tool, body] of Object.entries(stubs)) {
      writeFileSync(join(dir, tool), body);
      chmodSync(join(dir, tool), 0o755);
    }
    return dir;
  }

  function run(seed: string): string[] {
    rmSync(log, { force: true });
    const result = spawnSync("/bin/bash", [join(repoRoot, "scripts", "up.sh")], {
      env: {
        PATH: `${fullBin()}:/usr/bin:/bin`,
        STOREPLANE_TOOLS_BIN: join(work, "no-tools"),
        IMAGE_SEED: seed,
      },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(result.status, result.stderr).toBe(0);
    return spawnSync("cat", [log], { encoding: "utf8" }).stdout.trim().split("\n");
  }

  const platformTag = (calls: string[], image: string) =>
    new RegExp(`images\\.${image}\\.tag=(dev-[0-9a-f]{12})`).exec(
      calls.find((c) => c.startsWith("helm upgrade --install storeplane")) ?? "",
    )?.[1];

  it("creates the cluster on the pinned node image and installs the pinned Traefik chart", () => {
    const calls = run("a");
    expect(calls.find((c) => c.startsWith("kind create cluster"))).toMatch(
      /--image kindest\/node:v1\.34\.0@sha256:[0-9a-f]{64}/,
    );
    const traefik = calls.find((c) => c.startsWith("helm upgrade --install traefik")) ?? "";
    expect(traefik).toMatch(/traefik-41\.3\.0\.tgz|--version 41\.3\.0/);
    expect(traefik).toContain("-f infra/traefik-values.yaml");
    expect(traefik).toContain("--wait");
  });

  it("loads each image as :dev and :dev-<image id>, and installs the platform with the content tags", () => {
    const calls = run("a");
    const web = platformTag(calls, "web");
    const controller = platformTag(calls, "controller");
    expect(web).toBeDefined();
    expect(controller).toBeDefined();
    expect(web).not.toBe(controller);
    expect(calls).toContain(
      `kind load docker-image storeplane/web:dev storeplane/web:${web} --name storeplane`,
    );
    for (const repo of ["medusa", "woocommerce"])
      expect(
        calls.some((c) => c.startsWith(`kind load docker-image storeplane/${repo}:dev `)),
      ).toBe(true);
  });

  it("a rebuilt image gets a new tag on the next run; the same image keeps its tag", () => {
    const first = platformTag(run("a"), "web");
    expect(platformTag(run("a"), "web")).toBe(first);
    expect(platformTag(run("b"), "web")).not.toBe(first);
  });
});
