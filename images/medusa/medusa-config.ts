// Every setting comes from the environment: one image serves every store, and
// the controller hands each store its own URL, secrets and database.
import { defineConfig, loadEnv } from "@medusajs/framework/utils";

loadEnv(process.env.NODE_ENV || "development", process.cwd());

const port = process.env.PORT || "9000";
const publicUrl = (process.env.STORE_URL || `http://localhost:${port}`).replace(/\/+$/, "");
// Secure cookies follow the public URL's scheme, not NODE_ENV: a production
// build served over plain HTTP (http://<name>.localhost in kind) must still log in.
const httpsOnly = publicUrl.startsWith("https://");
const cors = (value: string | undefined) => value || publicUrl;
const redisUrl = process.env.REDIS_URL || undefined;

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`medusa-config: ${name} must be set`);
  }
  return value;
}

// With Redis the event bus, cache, locking and workflow engine are shared by all
// replicas; without it Medusa falls back to in-memory modules (tests, one pod).
const redisModules = redisUrl
  ? [
      { resolve: "@medusajs/medusa/event-bus-redis", options: { redisUrl } },
      { resolve: "@medusajs/medusa/cache-redis", options: { redisUrl } },
      {
        resolve: "@medusajs/medusa/workflow-engine-redis",
        options: { redis: { redisUrl } },
      },
      {
        resolve: "@medusajs/medusa/locking",
        options: {
          providers: [
            {
              resolve: "@medusajs/medusa/locking-redis",
              id: "locking-redis",
              is_default: true,
              options: { redisUrl },
            },
          ],
        },
      },
    ]
  : [];

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: required("DATABASE_URL"),
    redisUrl,
    workerMode: (process.env.MEDUSA_WORKER_MODE as "shared" | "worker" | "server") || "shared",
    http: {
      storeCors: cors(process.env.STORE_CORS),
      adminCors: cors(process.env.ADMIN_CORS),
      authCors: cors(process.env.AUTH_CORS),
      jwtSecret: required("JWT_SECRET"),
      cookieSecret: required("COOKIE_SECRET"),
    },
    cookieOptions: { secure: httpsOnly, sameSite: "lax" },
  },
  admin: {
    disable:
      process.env.MEDUSA_ADMIN_DISABLED === "true" || process.env.MEDUSA_ADMIN_DISABLED === "1",
    backendUrl: process.env.MEDUSA_BACKEND_URL || "/",
  },
  modules: redisModules,
});
