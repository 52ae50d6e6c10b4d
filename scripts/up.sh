#!/usr/bin/env bash
# npm run up: a local storeplane on kind, from nothing to a dashboard URL.
# Checks the tools first and stops at once naming every missing one; then
# creates the cluster (infra/kind-config.yaml), installs Traefik (pinned),
# builds and loads the images, installs the platform chart with
# values-local.yaml, waits, and prints where to sign in. Re-running it rebuilds
# the images and rolls out the ones that changed (content-addressed tags).
#
# Environment: CLUSTER_NAME (default storeplane), SKIP_BUILD=1 (reuse images
# already built and loaded), STOREPLANE_TOOLS_BIN (where `npm install` put
# helm/kubectl; default .tools/bin).
set -euo pipefail

# Pure bash until the tool check: it must work with a PATH that lacks everything.
ROOT="${BASH_SOURCE[0]%/*}/.."
TOOLS_BIN="${STOREPLANE_TOOLS_BIN:-$ROOT/.tools/bin}"
# The pinned Helm 4 (and kubectl) from `npm install` come FIRST: a runner or a
# laptop often has a Helm 3 on PATH, whose --wait and apply behave differently
# from the Helm 4 the bring-up is tested with.
[[ -d "$TOOLS_BIN" ]] && PATH="$TOOLS_BIN:$PATH"

# Tool and chart versions, one source (also read by the workflow and the tests).
# shellcheck source=infra/tool-versions.env
source "$ROOT/infra/tool-versions.env"
CLUSTER_NAME="${CLUSTER_NAME:-storeplane}"
NAMESPACE=storeplane
TRAEFIK_CHART_REPO=https://traefik.github.io/charts
# The same chart bytes the helm-level tests render, when a copy of shared/ sits beside the clone.
TRAEFIK_FIXTURE="$ROOT/../shared/fixtures/traefik-$TRAEFIK_CHART_VERSION.tgz"

declare -A HINT=(
  [docker]="Docker Engine or Docker Desktop, running: https://docs.docker.com/engine/install/"
  [kind]="kind $KIND_VERSION: https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
  [kubectl]="kubectl: run \`npm install\` (puts it in .tools/bin) or https://kubernetes.io/docs/tasks/tools/"
  [helm]="Helm 4 ($HELM_VERSION tested): run \`npm install\` (puts it in .tools/bin) or https://helm.sh/docs/intro/install/"
)
missing=()
for tool in docker kind kubectl helm; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
  echo "npm run up: missing required tools: ${missing[*]}" >&2
  for tool in "${missing[@]}"; do echo "  - $tool: ${HINT[$tool]}" >&2; done
  echo "Nothing was changed." >&2
  exit 127
fi
helm_version="$(helm version --short 2>/dev/null || true)"
if [[ "$helm_version" != v4.* ]]; then
  echo "npm run up: needs Helm 4 ($HELM_VERSION tested), found ${helm_version:-no version} at $(command -v helm)." >&2
  echo "  Run \`npm install\` (linux/x64 puts Helm 4 in .tools/bin), or install Helm 4 and put it first on PATH." >&2
  echo "Nothing was changed." >&2
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  echo "npm run up: docker is installed but its daemon is not reachable (is Docker running, and may this user use it?)" >&2
  exit 1
fi

cd "$ROOT"
step() { printf '\n==> %s\n' "$*"; }

step "kind cluster \"$CLUSTER_NAME\""
if kind get clusters 2>/dev/null | grep -qx "$CLUSTER_NAME"; then
  echo "exists, reusing it"
else
  kind create cluster --name "$CLUSTER_NAME" --config infra/kind-config.yaml \
    --image "$KIND_NODE_IMAGE" --wait 120s
fi
kubectl config use-context "kind-$CLUSTER_NAME" >/dev/null

step "Traefik chart $TRAEFIK_CHART_VERSION (ingress controller, NodePorts 30080/30443 = host ports 80/443)"
if [[ -f "$TRAEFIK_FIXTURE" ]]; then
  traefik_chart=("$TRAEFIK_FIXTURE")
else
  traefik_chart=(traefik --repo "$TRAEFIK_CHART_REPO" --version "$TRAEFIK_CHART_VERSION")
fi
helm upgrade --install traefik "${traefik_chart[@]}" \
  --namespace traefik --create-namespace -f infra/traefik-values.yaml --wait --timeout 5m

step "images"
# Each image is loaded as <repo>:dev (what the engine values-local.yaml files
# name for stores) and as <repo>:dev-<image id>, which the platform release
# uses: a rebuilt image changes the pod template, so a re-run rolls it out,
# and an unchanged one changes nothing.
declare -A TAG=()
content_tag() { # repository -> dev-<first 12 hex of the local image id>
  local id
  id="$(docker image inspect --format '{{.Id}}' "$1:dev")"
  id="${id#sha256:}"
  echo "dev-${id:0:12}"
}
build() { # repository dockerfile context
  if [[ ! -f "$2" ]]; then
    echo "npm run up: $2 is missing; cannot build $1" >&2
    exit 1
  fi
  if [[ "${SKIP_BUILD:-}" != "1" ]]; then
    docker build -t "$1:dev" -f "$2" "$3"
  fi
  TAG[$1]="$(content_tag "$1")"
  docker tag "$1:dev" "$1:${TAG[$1]}"
  kind load docker-image "$1:dev" "$1:${TAG[$1]}" --name "$CLUSTER_NAME"
}
[[ "${SKIP_BUILD:-}" == "1" ]] && echo "SKIP_BUILD=1: reusing the images built before (loading them again is cheap)"
build storeplane/web images/web.Dockerfile .
build storeplane/controller images/controller.Dockerfile .
build storeplane/medusa images/medusa/Dockerfile images/medusa
build storeplane/woocommerce images/woocommerce/Dockerfile images/woocommerce
# The store backup Jobs' image (values-local.yaml turns backups on against the bundled object store).
build storeplane/backup images/backup.Dockerfile .

step "platform chart (values-local.yaml)"
helm upgrade --install storeplane charts/platform --namespace "$NAMESPACE" --create-namespace \
  -f charts/platform/values-local.yaml \
  --set-string images.web.tag="${TAG[storeplane/web]}" \
  --set-string images.controller.tag="${TAG[storeplane/controller]}" \
  --set-string backups.image.tag="${TAG[storeplane/backup]}" \
  --timeout 10m
kubectl -n "$NAMESPACE" rollout status deployment/storeplane-web --timeout 5m
kubectl -n "$NAMESPACE" rollout status deployment/storeplane-controller --timeout 5m

cat <<DONE

storeplane is up.

  Dashboard:  http://dashboard.localhost
  Sign in:    open the dashboard and sign up; the first account is the admin.
              Scripts: create an API token on the dashboard's Tokens page.
  Stores:     http://<store>.localhost (no /etc/hosts editing: *.localhost is loopback)
  Tear down:  npm run down
DONE
