// TEST TOOL — a Helm stand-in that records calls instead of running helm, for
// tests of code that decides what to ask helm (e.g. unlockRelease). Tests of
// the wrapper itself use the real binary or test/fixtures/fake-helm.sh.
import type { Helm } from "../helm/helm.ts";

export interface HelmCall {
  method: string;
  args: unknown[];
}

export function createRecordingHelm(overrides: Partial<Helm> = {}): Helm & { calls: HelmCall[] } {
  const calls: HelmCall[] = [];
  const record =
    <T>(method: string, result: T) =>
    async (...args: unknown[]): Promise<T> => {
      calls.push({ method, args });
      return result;
    };
  return {
    calls,
    binary: "recording-helm",
    version: record("version", "v0.0.0-recording"),
    upgradeInstall: record("upgradeInstall", null),
    uninstall: record("uninstall", { outcome: "uninstalled" as const }),
    rollback: record("rollback", undefined),
    template: record("template", { manifest: "", objects: [] }),
    lint: record("lint", { ok: true, output: "" }),
    ...overrides,
  };
}
