// Shared vitest settings. Each package keeps its own vitest.config.ts (a root
// config with `projects` breaks per-package runs) and calls this helper so that
// every run writes a JSON report that scripts/test.mjs sums up into one line.
import { basename, join, resolve } from "node:path";
import { defineConfig, type ViteUserConfig } from "vitest/config";

const repoRoot = resolve(import.meta.dirname, "..");

export function packageTestConfig(
  packageDir: string,
  test: NonNullable<ViteUserConfig["test"]> = {},
) {
  const reportName = basename(resolve(packageDir, ".."));
  return defineConfig({
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 20_000,
      hookTimeout: 60_000,
      reporters: [
        "default",
        [
          "json",
          { outputFile: join(repoRoot, ".reports", `${reportName}-${basename(packageDir)}.json`) },
        ],
      ],
      ...test,
    },
  });
}
