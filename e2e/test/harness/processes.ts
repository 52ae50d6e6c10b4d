// Child processes for the real-engine suites: commands with a deadline, and
// servers in their own process group (PHP's built-in server forks workers that
// outlive a plain kill of its parent, so the whole group is stopped).
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

export interface RunAs {
  uid: number;
  gid: number;
}

export interface CommandResult {
  code: number | null;
  output: string;
  ms: number;
}

interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  runAs?: RunAs;
}

/** Spawns in a new process group (as `setsid` would), keeping the last 40 kB of stdout+stderr. */
function spawnInGroup(command: string, args: string[], options: SpawnOptions) {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    ...options.runAs,
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-40_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  return { child, output: () => output, note: (line: string) => (output += line) };
}

/** Runs a command to its end (or kills its group at the deadline); never throws on a non-zero exit. */
export function runCommand(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs: number },
): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const { child, output } = spawnInGroup(command, args, options);
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output: output(), ms: performance.now() - started });
    });
  });
}

export interface Daemon {
  child: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
}

/** Starts a long-running server in its own process group. */
export function startDaemon(command: string, args: string[], options: SpawnOptions): Daemon {
  const { child, output, note } = spawnInGroup(command, args, options);
  child.on("error", (error) => note(`\nspawn ${command} failed: ${error.message}`));
  return { child, log: output, stop: () => stopGroup(child) };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

/** SIGTERM to the group, SIGKILL after 10 s; resolves when the leader has exited. */
export function stopGroup(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, "SIGKILL"); // forked workers may outlive their leader
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const hard = setTimeout(() => killGroup(child, "SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(hard);
      killGroup(child, "SIGKILL");
      resolve();
    });
    killGroup(child, "SIGTERM");
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  alive: () => string | null = () => null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = alive();
    if (dead) throw new Error(`${what}: ${dead}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not ready within ${timeoutMs} ms`);
}
