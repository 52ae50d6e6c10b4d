// Validation of rendered objects against the Kubernetes OpenAPI schemas that
// kubernetes-models (pinned) compiles into validators, one per apiVersion/kind.
// It covers the built-in APIs up to resource.k8s.io/v1 (Kubernetes 1.34+),
// which matches what we target: kind's and k3s's current releases.
import type { K8sObject } from "./helm.ts";

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

async function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  let module: Record<string, unknown>;
  try {
    module = (await import(/* @vite-ignore */ `kubernetes-models/${apiVersion}`)) as Record<
      string,
      unknown
    >;
  } catch {
    return undefined;
  }
  return module[kind] as ModelClass | undefined;
}

/** Schema errors for one object; an unknown apiVersion/kind is an error too. */
export async function schemaErrors(object: K8sObject): Promise<string[]> {
  const Model = await modelFor(object.apiVersion, object.kind);
  if (!Model) return [`no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}
