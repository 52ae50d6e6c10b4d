# syntax=docker/dockerfile:1.7
# storeplane controller, port 9090 (/healthz, /readyz, /metrics). It runs helm
# against the engine charts, so the image carries helm and the charts at /charts
# (STORE_CHARTS_DIR). Build from the repository root (any platform BuildKit
# targets: linux/amd64 and linux/arm64 both work):
#   docker build -f images/controller.Dockerfile -t storeplane/controller:dev .

# Helm for the image's own architecture, from Helm's official release archive
# (get.helm.sh), pinned and checked. The sha256 sums are the ones published
# with the release (https://github.com/helm/helm/releases/tag/v4.1.4, also at
# https://get.helm.sh/helm-v4.1.4-linux-<arch>.tar.gz.sha256sum). Keep
# HELM_VERSION equal to infra/tool-versions.env (a chart test checks it).
FROM debian:bookworm-slim AS helm
ARG TARGETARCH
ARG HELM_VERSION=v4.1.4
ARG HELM_SHA256_AMD64=70b2c30a19da4db264dfd68c8a3664e05093a361cefd89572ffb36f8abfa3d09
ARG HELM_SHA256_ARM64=13d03672be289045d2ff00e4e345d61de1c6f21c1257a45955a30e8ae036d8f1
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates curl \
  && rm -rf /var/lib/apt/lists/*
RUN set -eu; \
  case "${TARGETARCH:?TARGETARCH is set by BuildKit}" in \
    amd64) sum="$HELM_SHA256_AMD64" ;; \
    arm64) sum="$HELM_SHA256_ARM64" ;; \
    *) echo "no pinned helm checksum for linux/$TARGETARCH" >&2; exit 1 ;; \
  esac; \
  file="helm-${HELM_VERSION}-linux-${TARGETARCH}.tar.gz"; \
  curl -fsSLo "/tmp/$file" "https://get.helm.sh/$file"; \
  echo "$sum  /tmp/$file" | sha256sum -c -; \
  tar -xzf "/tmp/$file" -C /tmp "linux-${TARGETARCH}/helm"; \
  install -m 0755 "/tmp/linux-${TARGETARCH}/helm" /usr/local/bin/helm; \
  /usr/local/bin/helm version --short | grep -q "^${HELM_VERSION}+"

FROM node:22.21.1-bookworm-slim AS build
WORKDIR /app
COPY . .
# STOREPLANE_SKIP_TOOLS: the image's helm comes from the stage above, not from
# the root postinstall (which only has linux/amd64 binaries).
RUN STOREPLANE_SKIP_TOOLS=1 npm ci --no-audit --no-fund \
  && npm run build -w @storeplane/controller \
  && rm -rf .tools images e2e apps/web charts/test /root/.npm

FROM node:22.21.1-bookworm-slim
ENV NODE_ENV=production STORE_CHARTS_DIR=/charts HOME=/tmp
COPY --from=helm /usr/local/bin/helm /usr/local/bin/helm
COPY --from=build --chown=node:node /app /app
COPY charts/woocommerce /charts/woocommerce
COPY charts/medusa /charts/medusa
# Earlier chart versions stores may still be assigned (ADR 008).
COPY charts/archive /charts/archive
USER 1000
WORKDIR /app/apps/controller
EXPOSE 9090
# The esbuild bundle (apps/controller/build.mjs): workspace code inside, npm packages from /app/node_modules.
CMD ["node", "--enable-source-maps", "dist/main.js"]
