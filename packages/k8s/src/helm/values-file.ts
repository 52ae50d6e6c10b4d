import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

/**
 * Write controller values to a file only this process can read, in a fresh
 * private directory, and remove both whatever happens.
 */
export async function withPrivateValuesFile<T>(
  values: Record<string, unknown>,
  fn: (path: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "storeplane-helm-"));
  try {
    const path = join(dir, "values.yaml");
    await writeFile(path, stringify(values), { mode: 0o600, flag: "wx" });
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
