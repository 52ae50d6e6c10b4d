// Per-request options for client-node 1.x. Middleware is the only hook that
// reaches the underlying fetch, so the timeout signal and the patch
// content type are set there.
import {
  type ConfigurationOptions,
  Observable,
  type ObservableMiddleware,
  type RequestContext,
} from "@kubernetes/client-node";

// The object-style API (readNamespace({ name })) runs observable middleware.
function middleware(pre: (ctx: RequestContext) => void): ObservableMiddleware {
  return {
    pre: (ctx) => {
      pre(ctx);
      return new Observable(Promise.resolve(ctx));
    },
    post: (rsp) => new Observable(Promise.resolve(rsp)),
  };
}

export interface RequestTweaks {
  timeoutMs: number;
  contentType?: string;
  accept?: string;
}

export function requestOptions(tweaks: RequestTweaks): ConfigurationOptions {
  return {
    // "append" keeps the authentication the KubeConfig installed.
    middlewareMergeStrategy: "append",
    middleware: [
      middleware((ctx) => {
        ctx.setSignal(AbortSignal.timeout(tweaks.timeoutMs));
        if (tweaks.contentType) ctx.setHeaderParam("Content-Type", tweaks.contentType);
        if (tweaks.accept) ctx.setHeaderParam("Accept", tweaks.accept);
      }),
    ],
  };
}

/** Server-side apply content type (the body is JSON, which is valid YAML). */
export const APPLY_PATCH = "application/apply-patch+yaml";
export const MERGE_PATCH = "application/merge-patch+json";

/**
 * Ask the API server for metadata only: Helm's release Secrets and our
 * credential Secrets are listed every sweep, and neither their payload nor
 * their passwords should travel or sit in the controller's memory for that.
 */
export const METADATA_ONLY_LIST =
  "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;q=0.9";

/** The watch form of METADATA_ONLY_LIST: each event's object is a PartialObjectMetadata. */
export const METADATA_ONLY_WATCH =
  "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;q=0.9";
