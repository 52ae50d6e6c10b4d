// Level: real process + real database + simulated cluster. The controller's
// entry point as a process: it announces the simulated cluster in its logs
// and health output, serves metrics, and exits cleanly on SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("controller process", () => {
  it("CLUSTER=simulated says so in logs and /healthz, serves /metrics, and stops on SIGTERM", async () => {
    dir = mkdtempSync(join(tmpdir(), "ctrl-main-"));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    let logs = "";
    child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        CLUSTER: "simulated",
        PGLITE_DATA_DIR: join(dir, "pglite"),
        METRICS_PORT: String(port),
        REPLICA_ID: "process-test",
        SHUTDOWN_GRACE_SECONDS: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => {
      logs += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      logs += d.toString();
    });
    const exited = new Promise<number | null>((r) => child?.on("exit", (code) => r(code)));

    let health: { cluster?: { mode?: string }; warning?: string } | undefined;
    for (let i = 0; i < 240 && !health; i++) {
      await new Promise((r) => setTimeout(r, 250));
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.status === 200) health = await res.json();
      } catch {
        // not listening yet
      }
    }
    expect(health, logs).toBeDefined();
    expect(health?.cluster?.mode).toBe("simulated");
    expect(health?.warning).toContain("SIMULATED");
    expect(logs).toContain("SIMULATED cluster");
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain(
      'storeplane_controller_info{cluster_mode="simulated",replica="process-test"} 1',
    );

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(logs).toContain("claims released");
  }, 90_000);
});
