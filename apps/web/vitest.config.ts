import { packageTestConfig } from "../../tooling/vitest.shared.ts";

export default packageTestConfig(import.meta.dirname, {
  include: ["app/**/*.test.ts", "test/**/*.test.ts"],
  globalSetup: ["test/global-setup.ts"],
  // One platform and one Chromium per browser file; files run one at a time
  // so their timings stay honest on a 2-core machine.
  fileParallelism: false,
  testTimeout: 60_000,
  hookTimeout: 120_000,
});
