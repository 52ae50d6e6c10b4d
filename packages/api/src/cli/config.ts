// ~/.config/storectl/config.json: the URL and token `storectl login` saved.
// It holds a secret, so the file is 0600 in a 0700 directory.
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";

const configSchema = z.object({ url: z.string(), token: z.string() });
export type CliConfig = z.infer<typeof configSchema>;

export async function loadConfig(path: string): Promise<CliConfig | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined; // reported below, naming the file
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`${path} is not a storectl config; run storectl login again`);
  return parsed.data;
}

export async function saveConfig(path: string, config: CliConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Write then rename, so a crash never leaves half a file; create it 0600 so
  // the token is never readable by others, not even for an instant.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
  await chmod(path, 0o600);
}
