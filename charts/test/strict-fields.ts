// Unknown-field detection, the part of `kubectl apply --validate=strict` that
// JSON-schema validation misses: the Kubernetes OpenAPI schemas allow extra
// properties, so a typo such as `readinesProbe` would pass them and be dropped
// silently by the API server. The client-node models (pinned 1.4.0, Kubernetes
// 1.34 API) list every field of every type; we walk the object along them.
import * as models from "@kubernetes/client-node";
import type { K8sObject } from "./helm.ts";

interface Attribute {
  baseName: string;
  type: string;
}
interface ModelClass {
  getAttributeTypeMap(): Attribute[];
}

const registry = models as unknown as Record<string, ModelClass | undefined>;

/** `apps/v1` + `Deployment` -> V1Deployment. */
function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split("/").pop() ?? apiVersion;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

function walk(value: unknown, type: string, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1]) {
    const itemType = array[1];
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, itemType, `${path}[${i}]`, out);
    }
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1]) {
    for (const [key, item] of Object.entries(value as object))
      walk(item, map[1], `${path}.${key}`, out);
    return;
  }
  const model = registry[type];
  if (typeof model?.getAttributeTypeMap !== "function" || typeof value !== "object") return;
  const attributes = model.getAttributeTypeMap();
  for (const [key, item] of Object.entries(value as object)) {
    const attribute = attributes.find((a) => a.baseName === key);
    if (!attribute) out.push(`${path}.${key}`);
    else walk(item, attribute.type, `${path}.${key}`, out);
  }
}

/** Paths of fields the API does not know; an unknown kind is reported too. */
export function unknownFields(object: K8sObject): string[] {
  const name = modelName(object.apiVersion, object.kind);
  if (typeof registry[name]?.getAttributeTypeMap !== "function")
    return [`no client-node model ${name}`];
  const out: string[] = [];
  walk(object, name, "", out);
  return out;
}
