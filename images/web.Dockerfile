# syntax=docker/dockerfile:1.7
# storeplane web (Remix dashboard + tRPC API at /api/trpc), port 3000, /healthz.
# Also runs the database migrations (Helm hook in charts/platform):
#   npm run migrate -w @storeplane/db
# Build from the repository root: docker build -f images/web.Dockerfile -t storeplane/web:dev .
# The workspace runs as TypeScript source through tsx (internal packages have no
# build step, see STACK.md), so the image keeps the workspace and its node_modules.

FROM node:22.21.1-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# STOREPLANE_SKIP_TOOLS: the web image runs no helm or kubectl, so the root
# postinstall fetches none (it has linux/amd64 binaries only anyway).
RUN STOREPLANE_SKIP_TOOLS=1 npm ci --no-audit --no-fund \
  && npm run build -w @storeplane/web \
  && rm -rf .tools images e2e charts/test /root/.npm

FROM node:22.21.1-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# uid 1000 (node): the chart sets runAsNonRoot with this uid and a read-only root filesystem.
USER 1000
WORKDIR /app/apps/web
EXPOSE 3000
CMD ["/app/node_modules/.bin/tsx", "server.ts"]
