#!/bin/sh
# storeplane backup Job: dump one store's database (and WordPress media) with
# the engine's own tools into a private scratch folder, then upload the parts
# and the manifest with storeplane-backup. Run by the backup Job in the
# store's namespace, and for real by e2e/test/backup-*.engine.test.ts.
#
# Environment:
#   BACKUP_ENGINE        medusa | woocommerce
#   BACKUP_STORE, BACKUP_ID, BACKUP_PLAN, BACKUP_CHART_VERSION,
#   BACKUP_VALUES_DIGEST, STORE_URL             what the manifest records
#   BACKUP_S3_ENDPOINT, BACKUP_S3_BUCKET, AWS_ACCESS_KEY_ID,
#   AWS_SECRET_ACCESS_KEY (+ optional BACKUP_S3_REGION, _PREFIX, _FORCE_PATH_STYLE)
#   medusa:      PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE (libpq's own names)
#   woocommerce: WORDPRESS_DB_HOST (host[:port]) WORDPRESS_DB_NAME
#                WORDPRESS_DB_USER WORDPRESS_DB_PASSWORD, WP_CONTENT_DIR
#   STOREPLANE_BACKUP    the upload command (default: storeplane-backup)
#
# Passwords reach the tools through the environment (libpq) or a 0600
# options file, never the command line (visible in /proc to the namespace).
# The dump holds what the engine stores: password *hashes*, never the store's
# Secret (database, admin and API credentials stay there).
set -eu

say() { echo "backup: $*"; }
# The reason also goes to the termination-message file, which Kubernetes
# copies into the pod's status for the controller to record on the row
# (packages/k8s podsTerminationReason). It exists only in a pod: elsewhere
# nothing is written. TERMINATION_LOG overrides the path for tests.
die() {
  echo "backup: $*" >&2
  [ ! -w "${TERMINATION_LOG:-/dev/termination-log}" ] || echo "backup: $*" >"${TERMINATION_LOG:-/dev/termination-log}"
  exit 1
}

: "${BACKUP_ENGINE:?BACKUP_ENGINE must be set (medusa | woocommerce)}"
: "${BACKUP_STORE:?BACKUP_STORE must be set}"
: "${BACKUP_ID:?BACKUP_ID must be set}"
upload_cmd=${STOREPLANE_BACKUP:-storeplane-backup}

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/storeplane-backup.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
parts="$work/parts"
mkdir "$parts"

mariadb_options() {
  host=${WORDPRESS_DB_HOST%%:*}
  port=3306
  case "$WORDPRESS_DB_HOST" in *:*) port=${WORDPRESS_DB_HOST##*:} ;; esac
  {
    echo "[client]"
    echo "host=$host"
    echo "port=$port"
    echo "user=$WORDPRESS_DB_USER"
    echo "password=$WORDPRESS_DB_PASSWORD"
  } > "$work/client.cnf"
}

started=$(date +%s)
case "$BACKUP_ENGINE" in
  medusa)
    : "${PGHOST:?PGHOST must be set}" "${PGDATABASE:?PGDATABASE must be set}" "${PGUSER:?PGUSER must be set}"
    say "dumping Postgres database $PGDATABASE (pg_dump custom format)"
    # --no-owner/--no-privileges: a clone restores into another role's database.
    pg_dump --format=custom --no-owner --no-privileges --file="$parts/database.dump" \
      || die "pg_dump of $PGDATABASE at $PGHOST failed"
    ;;
  woocommerce)
    : "${WORDPRESS_DB_HOST:?WORDPRESS_DB_HOST must be set}" "${WORDPRESS_DB_NAME:?WORDPRESS_DB_NAME must be set}"
    : "${WORDPRESS_DB_USER:?WORDPRESS_DB_USER must be set}" "${WORDPRESS_DB_PASSWORD:?WORDPRESS_DB_PASSWORD must be set}"
    : "${WP_CONTENT_DIR:?WP_CONTENT_DIR must be set}"
    mariadb_options
    say "dumping MariaDB database $WORDPRESS_DB_NAME (consistent snapshot, --single-transaction)"
    # A pipe hides a failing dump's exit code from sh: check the dump's own status file.
    ( mariadb-dump --defaults-extra-file="$work/client.cnf" --single-transaction --quick \
        --routines --triggers --events --hex-blob --no-tablespaces --default-character-set=utf8mb4 \
        "$WORDPRESS_DB_NAME" || echo failed > "$work/dump.failed" ) | gzip -6 > "$parts/database.sql.gz"
    [ ! -e "$work/dump.failed" ] || die "mariadb-dump of $WORDPRESS_DB_NAME at $WORDPRESS_DB_HOST failed"
    if [ -d "$WP_CONTENT_DIR/uploads" ]; then
      say "archiving media (wp-content/uploads)"
      tar -C "$WP_CONTENT_DIR" -czf "$parts/uploads.tar.gz" uploads
    else
      say "no wp-content/uploads yet: an empty media archive"
      mkdir "$work/empty" "$work/empty/uploads"
      tar -C "$work/empty" -czf "$parts/uploads.tar.gz" uploads
    fi
    ;;
  *) die "BACKUP_ENGINE must be medusa or woocommerce, got \"$BACKUP_ENGINE\"" ;;
esac
dumped=$(date +%s)
say "dump took $((dumped - started))s; uploading"
# The upload's JSON line (manifest sha256, sizes) is the Job's result: keep it last on stdout.
$upload_cmd upload --dir "$parts"
