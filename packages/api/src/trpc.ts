// Context, tRPC instance and the procedure builders. Only the context reaches
// the database; routers get it through `ctx`.
import { randomUUID } from "node:crypto";
import type { Database, DatabaseHandle, DatabaseKind } from "@storeplane/db";
import {
  findActiveApiTokenByHash,
  findActiveSessionByHash,
  touchApiToken,
  touchSession,
} from "@storeplane/db";
import { initTRPC, TRPCError } from "@trpc/server";
import type { Kysely } from "kysely";
import superjson from "superjson";
import type { ClusterReader } from "./cluster-reader.ts";
import { type ApiConfig, readApiConfig } from "./env.ts";
import {
  DomainError,
  ForbiddenError,
  fieldErrorsFromIssues,
  summarizeFieldErrors,
  toTRPCError,
  UnauthorizedError,
} from "./errors.ts";
import { createLogger, type Logger } from "./logger.ts";
import { consume, createRateLimiters, type RateLimiters } from "./rate-limit.ts";
import { isLoopbackAddress } from "./security/loopback.ts";
import { hashSecret, isApiToken, isSessionToken } from "./security/tokens.ts";
import { type PublicUser, toPublicUser } from "./views.ts";

/** Long-lived dependencies, built once per process (or per test file). */
export interface ApiDeps {
  db: Kysely<Database>;
  dbKind: DatabaseKind;
  config: ApiConfig;
  logger: Logger;
  /** Read-only cluster access; null when no cluster is connected (then cluster reads answer PRECONDITION_FAILED). */
  clusterReader: ClusterReader | null;
  limiters: RateLimiters;
}

export interface CreateApiDepsOptions {
  database: Pick<DatabaseHandle, "db" | "kind">;
  config?: ApiConfig;
  logger?: Logger;
  clusterReader?: ClusterReader | null;
}

export function createApiDeps(options: CreateApiDepsOptions): ApiDeps {
  const config = options.config ?? readApiConfig();
  return {
    db: options.database.db,
    dbKind: options.database.kind,
    config,
    logger: options.logger ?? createLogger({ level: config.logLevel }),
    clusterReader: options.clusterReader ?? null,
    limiters: createRateLimiters(config),
  };
}

export interface Auth {
  user: PublicUser;
  via: "session" | "token";
  sessionId: string | null;
  tokenId: string | null;
  /** How the audit log and store events name the caller: "user:<email>" or "token:<prefix>". */
  actor: string;
}

export interface Context extends ApiDeps {
  auth: Auth | null;
  /** Set when a bearer credential was presented and is not valid: every procedure then answers UNAUTHORIZED. */
  authError: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  log: Logger;
}

export interface CreateContextInnerOptions {
  deps: ApiDeps;
  auth?: Auth | null;
  authError?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string;
}

/** A context from already-resolved auth: what tests and in-process callers use. */
export function createContextInner(options: CreateContextInnerOptions): Context {
  const requestId = options.requestId ?? randomUUID();
  return {
    ...options.deps,
    auth: options.auth ?? null,
    authError: options.authError ?? null,
    ip: options.ip ?? null,
    userAgent: options.userAgent ?? null,
    requestId,
    log: options.deps.logger.child({
      requestId,
      userId: options.auth?.user.id,
      via: options.auth?.via,
      ip: options.ip ?? undefined,
    }),
  };
}

export interface CreateContextOptions {
  deps: ApiDeps;
  headers: Headers | Record<string, string | string[] | undefined>;
  ip?: string | null;
  userAgent?: string | null;
  /**
   * The session token from the dashboard's httpOnly cookie, passed in-process
   * by apps/web. The HTTP handler never sets it: over HTTP only an
   * `Authorization: Bearer` header authenticates, so cookies (and CSRF) play no
   * part in the HTTP API.
   */
  sessionToken?: string | null;
}

/** Resolves the caller from a bearer header or an explicit session token. */
export async function createContext(options: CreateContextOptions): Promise<Context> {
  const { deps } = options;
  const authorization = headerValue(options.headers, "authorization");
  const userAgent = options.userAgent ?? headerValue(options.headers, "user-agent") ?? null;
  const base = { deps, ip: options.ip ?? null, userAgent };
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const auth = match?.[1] ? await resolveSecret(deps, match[1]) : null;
    if (!auth) {
      return createContextInner({ ...base, authError: "invalid, expired or revoked token" });
    }
    return createContextInner({ ...base, auth });
  }
  if (options.sessionToken) {
    // An expired dashboard cookie is simply "signed out": the web app redirects to login.
    const auth = isSessionToken(options.sessionToken)
      ? await resolveSecret(deps, options.sessionToken)
      : null;
    return createContextInner({ ...base, auth });
  }
  return createContextInner(base);
}

async function resolveSecret(deps: ApiDeps, secret: string): Promise<Auth | null> {
  const hash = hashSecret(secret);
  if (isApiToken(secret)) {
    const found = await findActiveApiTokenByHash(deps.db, hash);
    if (!found) return null;
    await touchApiToken(deps.db, found.token.id).catch(() => undefined);
    return {
      user: toPublicUser(found.user),
      via: "token",
      sessionId: null,
      tokenId: found.token.id,
      actor: `token:${found.token.token_prefix}`,
    };
  }
  if (isSessionToken(secret)) {
    const found = await findActiveSessionByHash(deps.db, hash);
    if (!found) return null;
    await touchSession(deps.db, found.session.id).catch(() => undefined);
    return {
      user: toPublicUser(found.user),
      via: "session",
      sessionId: found.session.id,
      tokenId: null,
      actor: `user:${found.user.email}`,
    };
  }
  return null;
}

function headerValue(headers: CreateContextOptions["headers"], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Field errors carried by an error from a procedure (zod input errors or domain field errors). */
export function getFieldErrors(error: unknown): Record<string, string[]> | undefined {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (cause instanceof DomainError) return cause.fieldErrors;
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  if (Array.isArray(issues)) return fieldErrorsFromIssues(issues);
  return undefined;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Stack traces are added below only in development, never by tRPC itself.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const development = ctx?.config.nodeEnv === "development";
    // Stacks carry absolute paths: only a developer on this machine may see them.
    const showStack = development && isLoopbackAddress(ctx?.ip ?? undefined);
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      message: internal && !development ? "internal server error" : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        fieldErrors: getFieldErrors(error) ?? null,
        ...(showStack && error.stack ? { stack: error.stack } : {}),
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Every procedure runs inside this: it maps domain errors to tRPC codes (the
 * one place that does), turns input validation failures into a readable
 * message naming each field, and logs the outcome on the request's logger.
 */
const mapErrors = t.middleware(async ({ ctx, next, path, type, getRawInput }) => {
  const started = performance.now();
  // LOG_LEVEL=trace shows what each call carried in and out; passwords, tokens
  // and revealed credentials are censored by the platform's one redaction list.
  if (ctx.log.isLevelEnabled("trace")) {
    ctx.log.trace({ path, type, input: await getRawInput().catch(() => undefined) }, "call");
  }
  const result = await next();
  const durationMs = Math.round(performance.now() - started);
  if (result.ok) {
    ctx.log.debug({ path, type, durationMs }, "ok");
    ctx.log.trace({ path, type, output: result.data }, "result");
    return result;
  }
  const error = result.error;
  const mapped = toTRPCError(error);
  if (mapped) {
    ctx.log.info({ path, type, durationMs, code: mapped.code, message: mapped.message }, "refused");
    throw mapped;
  }
  if (error.code === "BAD_REQUEST") {
    const fieldErrors = getFieldErrors(error);
    if (fieldErrors) {
      const message = summarizeFieldErrors(fieldErrors);
      ctx.log.info(
        { path, type, durationMs, code: error.code, fields: Object.keys(fieldErrors) },
        "invalid input",
      );
      throw new TRPCError({ code: "BAD_REQUEST", message, cause: error.cause });
    }
  }
  if (error.code === "INTERNAL_SERVER_ERROR") {
    ctx.log.error({ path, type, durationMs, err: error.cause ?? error }, "failed");
    // In-process callers (the dashboard) get the same opaque message as HTTP
    // clients; the cause stays attached for the server's own logs.
    if (ctx.config.nodeEnv !== "development") {
      throw new TRPCError({
        code: "INTERNAL_SERVER_ERROR",
        message: "internal server error",
        cause: error.cause ?? error,
      });
    }
  } else {
    ctx.log.info({ path, type, durationMs, code: error.code, message: error.message }, "refused");
  }
  return result;
});

/** A bearer credential that does not check out is refused everywhere, public procedures included. */
const rejectBadCredentials = t.middleware(({ ctx, next }) => {
  if (ctx.authError) throw new UnauthorizedError(ctx.authError);
  return next();
});

export const publicProcedure = t.procedure.use(mapErrors).use(rejectBadCredentials);

export const protectedProcedure = publicProcedure.use(async ({ ctx, next, type }) => {
  const auth = ctx.auth;
  if (!auth) throw new UnauthorizedError("sign in or pass an API token (Authorization: Bearer …)");
  if (type === "mutation") {
    await consume(ctx.limiters.mutation, auth.user.id, "mutations");
  }
  return next({ ctx: { ...ctx, auth } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.auth.user.role !== "admin") throw new ForbiddenError("admin: only admins may do this");
  return next();
});
