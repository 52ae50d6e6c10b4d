// The only place this package reads process.env (STYLE.md): parsed once, with zod.
import { z } from "zod";

const schema = z.object({
  HELM_BIN: z.string().min(1).optional(),
  PATH: z.string().default(""),
});

export type K8sEnv = z.infer<typeof schema>;

export function readK8sEnv(env: NodeJS.ProcessEnv = process.env): K8sEnv {
  return schema.parse({ HELM_BIN: env.HELM_BIN || undefined, PATH: env.PATH });
}
