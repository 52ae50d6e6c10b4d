// `npm run dev` as a newcomer starts it: the real process (tsx src/main.ts,
// which is what the root "dev" script runs), its whole terminal output read
// until the banner is printed, then Ctrl+C. The output must be the banner and
// nothing else: no React Router future-flag notices, no log noise, and in kube
// mode without any kubeconfig the same words as the dashboard banner.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const DEV = resolve(import.meta.dirname, "..");
const TSX = resolve(DEV, "../../node_modules/.bin/tsx");

async function startDev(env: Record<string, string>): Promise<string> {
  const { KUBECONFIG: _kubeconfig, LOG_LEVEL: _level, ...inherited } = process.env;
  const child: ChildProcess = spawn(TSX, ["src/main.ts"], {
    cwd: DEV,
    env: { ...inherited, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  try {
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no banner in 150 s:\n${output}`)), 150_000);
      const check = setInterval(() => {
        // The banner's last line: everything before it has been printed.
        if (output.includes("Stop with Ctrl+C")) {
          clearInterval(check);
          clearTimeout(timer);
          done();
        }
      }, 100);
      child.once("exit", (code) => {
        clearInterval(check);
        clearTimeout(timer);
        fail(new Error(`dev exited with ${code}:\n${output}`));
      });
    });
    // A moment for anything printed right after start-up (Vite's first transform).
    await new Promise((done) => setTimeout(done, 1_500));
    return output;
  } finally {
    child.removeAllListeners("exit");
    const exited = new Promise((done) => child.once("exit", done));
    child.kill("SIGINT");
    await exited;
  }
}

describe("npm run dev start-up output (real process, Vite dev server)", () => {
  const work = mkdtempSync(join(tmpdir(), "storeplane-dev-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("simulated mode prints only the URL, the mode and the database", async () => {
    const dataDir = join(work, "pglite");
    const output = await startDev({ CLUSTER: "simulated", PGLITE_DATA_DIR: dataDir });
    console.log(`start-up output (simulated):\n${output}`);
    const lines = output.trim().split("\n");
    expect(lines[0]).toBe("storeplane dev is running");
    expect(lines[1]).toMatch(
      /^ {2}dashboard {2}http:\/\/[^ ]+:\d+ {3}\(API: http:\/\/.+\/api\/trpc\)$/,
    );
    expect(lines[2]).toMatch(/^ {2}mode {7}SIMULATED cluster/);
    expect(lines[3]).toBe(`  database   PGlite (embedded) at ${dataDir}`);
    expect(lines[4]).toContain(`delete ${dataDir}`);
    expect(lines).toHaveLength(6);
    expect(output).not.toMatch(/future flag|React Router v7|warn/i);
  }, 180_000);

  it("kube mode without any kubeconfig says what the dashboard banner says", async () => {
    const output = await startDev({
      CLUSTER: "kube",
      HOME: join(work, "empty-home"),
      PGLITE_DATA_DIR: join(work, "pglite-kube"),
    });
    console.log(`start-up output (kube, no kubeconfig):\n${output}`);
    expect(output).toContain("cluster unreachable: no kubeconfig found: set KUBECONFIG");
    expect(output).not.toMatch(/HTTP protocol|skipTLSVerify|future flag/);
  }, 180_000);
});
