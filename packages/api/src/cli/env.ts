// storectl's slice of the environment, read once.
import { homedir } from "node:os";
import { join } from "node:path";

export interface CliEnv {
  url: string | undefined;
  token: string | undefined;
  configPath: string;
  noColor: boolean;
}

export function readCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const configHome = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return {
    url: env.STORECTL_URL || undefined,
    token: env.STORECTL_TOKEN || undefined,
    configPath: env.STORECTL_CONFIG || join(configHome, "storectl", "config.json"),
    noColor: Boolean(env.NO_COLOR),
  };
}
