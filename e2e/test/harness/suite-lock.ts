// One suite at a time across vitest's worker processes, for suites that
// share something no per-suite name isolates. Two suites running real
// Medusa from the one images/medusa folder at once made the other's admin
// login fail (401) in CI; each alone passes. The lock is a directory
// (mkdir is atomic) holding the owner's pid, so a lock left by a killed
// worker is taken over instead of waited on.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until this process holds the named lock; resolves to its release. */
export async function acquireSuiteLock(name: string, timeoutMs = 1_200_000): Promise<() => void> {
  const dir = join(tmpdir(), `storeplane-suite-lock-${name}`);
  const owner = join(dir, "pid");
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(owner, String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch {
      let pid = Number.NaN;
      try {
        pid = Number(readFileSync(owner, "utf8"));
      } catch {
        // Being created or removed right now: look again.
      }
      if (Number.isInteger(pid) && pid > 0 && !alive(pid))
        rmSync(dir, { recursive: true, force: true });
      if (Date.now() > until) throw new Error(`suite lock ${name} not free within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
