// The only place this package reads process.env (STYLE.md): parsed once, with zod.
import { z } from "zod";

const schema = z.object({
  HELM_BIN: z.string().min(1).optional(),
  PATH: z.string().default(""),
  /** Tests: "1" turns a missing helm binary into a failure instead of a skip. */
  REQUIRE_HELM: z.enum(["0", "1"]).optional(),
});

export type K8sEnv = z.infer<typeof schema>;

export function readK8sEnv(env: NodeJS.ProcessEnv = process.env): K8sEnv {
  return schema.parse({
    HELM_BIN: env.HELM_BIN || undefined,
    PATH: env.PATH,
    REQUIRE_HELM: env.REQUIRE_HELM || undefined,
  });
}
