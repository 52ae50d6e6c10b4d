// Reads through the cluster reader with a deadline. No reader, a timeout or
// an unreachable cluster all answer "cluster not connected: …": the API never
// makes up pods or credentials.
import type { ClusterReader } from "../cluster-reader.ts";
import { ClusterNotConnectedError } from "../errors.ts";

export const CLUSTER_READ_TIMEOUT_MS = 5_000;

export function requireClusterReader(reader: ClusterReader | null): ClusterReader {
  if (!reader) {
    throw new ClusterNotConnectedError(
      "this API runs without a Kubernetes cluster reader, so live pods and credentials are unavailable",
    );
  }
  return reader;
}

export async function readCluster<T>(what: string, read: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ClusterNotConnectedError(`${what} timed out after ${CLUSTER_READ_TIMEOUT_MS} ms`),
        ),
      CLUSTER_READ_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([read(), deadline]);
  } catch (error) {
    if (error instanceof ClusterNotConnectedError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ClusterNotConnectedError(`${what} failed: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
}
