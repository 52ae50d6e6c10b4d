# syntax=docker/dockerfile:1.7
# storeplane backup image: the backup and restore Jobs of a store run
# images/backup/backup.sh and restore.sh with the engines' own tools
# (pg_dump/pg_restore 17 matching the Medusa chart's Postgres 17.6,
# mariadb-dump/mariadb, tar, gzip) and `storeplane-backup`, the object-store
# step of packages/backup bundled into one file (AWS SDK included).
# Build from the repository root:
#   docker build -f images/backup.Dockerfile -t storeplane/backup:dev .
#
# A WooCommerce restore also needs WP-CLI and the store's WordPress files
# (for the clone's URL rewrite and admin password): how that Job is composed
# (this image plus the store's WordPress image) is still open, see
# docs/backups.md.

FROM node:22.21.1-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN STOREPLANE_SKIP_TOOLS=1 npm ci --no-audit --no-fund \
  && npx esbuild packages/backup/src/bin/storeplane-backup.ts --bundle --platform=node \
       --target=node22 --format=esm --outfile=/out/storeplane-backup.mjs \
       --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"

FROM node:22.21.1-bookworm-slim AS node

FROM docker.io/library/postgres:17.6-bookworm
RUN apt-get update \
  && apt-get install -y --no-install-recommends mariadb-client ca-certificates \
  && rm -rf /var/lib/apt/lists/*
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=build /out/storeplane-backup.mjs /opt/storeplane/storeplane-backup.mjs
COPY images/backup/backup.sh images/backup/restore.sh images/backup/verify.sh images/backup/rewrite-url.php /opt/storeplane/
RUN printf '#!/bin/sh\nexec /usr/local/bin/node /opt/storeplane/storeplane-backup.mjs "$@"\n' > /usr/local/bin/storeplane-backup \
  && chmod 0755 /usr/local/bin/storeplane-backup /opt/storeplane/backup.sh /opt/storeplane/restore.sh /opt/storeplane/verify.sh
# No secret is baked in: database and object-store credentials come from the Job's environment.
USER 65532:65532
ENTRYPOINT []
CMD ["/opt/storeplane/backup.sh"]
