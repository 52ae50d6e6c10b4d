// Test support: `npm run dev` as a real child process (tsx src/main.ts, what
// the root "dev" script runs), with ALL of its output (stdout and stderr)
// captured, so tests can read the banner, the logs, or a refusal.
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const DEV = resolve(import.meta.dirname, "../..");
const TSX = resolve(DEV, "../../node_modules/.bin/tsx");

export interface DevProcess {
  /** The dashboard URL printed by the banner. */
  url: string;
  /** The child's pid (tsx, which runs node as its own child: see the process tree). */
  pid: number;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Ctrl+C, then wait for the exit. */
  stop(): Promise<void>;
}

/**
 * The environment a test starts from, as a newcomer's shell would have it: no
 * kubeconfig, log level or NODE_ENV (vitest sets "test") leaking in.
 */
function baseEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const {
    KUBECONFIG: _kubeconfig,
    LOG_LEVEL: _level,
    NODE_ENV: _nodeEnv,
    ...inherited
  } = process.env;
  // Cast: some dependency's types declare NODE_ENV always present; here it is deliberately absent.
  return { ...inherited, PORT: "0", ...env } as unknown as NodeJS.ProcessEnv;
}

function spawnDev(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(TSX, ["src/main.ts"], {
    cwd: DEV,
    env: baseEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

/** Starts dev and resolves once its banner is printed; rejects if it exits first. */
export async function startDev(
  env: Record<string, string>,
  timeoutMs = 150_000,
): Promise<DevProcess> {
  const { child, output } = spawnDev(env);
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  try {
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`no banner in ${timeoutMs} ms:\n${output()}`)),
        timeoutMs,
      );
      const onData = () => {
        // The banner's last line: everything before it has been printed.
        if (output().includes("Stop with Ctrl+C")) {
          clearTimeout(timer);
          child.stdout?.off("data", onData);
          done();
        }
      };
      child.stdout?.on("data", onData);
      void exited.then((code) => {
        clearTimeout(timer);
        fail(new Error(`dev exited with ${code} before its banner:\n${output()}`));
      });
    });
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  const url = /dashboard {2}(http:\/\/\S+)/.exec(output())?.[1];
  if (!url) throw new Error(`no dashboard URL in the banner:\n${output()}`);
  return {
    url,
    pid: child.pid as number,
    output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGINT");
      await exited;
    },
  };
}

/** Runs dev expecting it to refuse to start: resolves with its exit code and output. */
export async function runDevToExit(
  env: Record<string, string>,
  timeoutMs = 150_000,
): Promise<{ code: number | null; output: string }> {
  const { child, output } = spawnDev(env);
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`dev still running after ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      done({ code, output: output() });
    });
  });
}
