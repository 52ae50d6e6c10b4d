#!/usr/bin/env bash
# npm run down: deletes the kind cluster `npm run up` created, and everything in it.
set -euo pipefail
CLUSTER_NAME="${CLUSTER_NAME:-storeplane}"
if ! command -v kind >/dev/null 2>&1; then
  echo "npm run down: missing required tool: kind (https://kind.sigs.k8s.io/)" >&2
  exit 127
fi
if kind get clusters 2>/dev/null | grep -qx "$CLUSTER_NAME"; then
  kind delete cluster --name "$CLUSTER_NAME"
else
  echo "no kind cluster named $CLUSTER_NAME: nothing to do"
fi
