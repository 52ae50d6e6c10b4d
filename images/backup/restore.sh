#!/bin/sh
# storeplane restore Job: download a backup into a private scratch folder,
# verify every part (manifest against the sha256 the platform recorded, parts
# against the manifest) and only then replace the store's database and media.
# With CLONE_FROM_URL set it restores into another (new) store and rewrites
# the source store's URL to STORE_URL (rewrite-url.php, beside this script). Run by the restore Job, and for real by
# e2e/test/backup-*.engine.test.ts.
#
# Usage: restore.sh [all | download | apply]      (default: all)
#   all       download and verify, then apply, in one process (Medusa's Job)
#   download  download and verify every part into RESTORE_WORK_DIR, copy this
#             script and rewrite-url.php beside them, then mark the folder
#             verified; changes nothing in the store (the WooCommerce Job's
#             initContainer, from the backup image: it has storeplane-backup;
#             both containers run as the same user, so the umask 077 files
#             stay private to them)
#   apply     replace the store's data from a verified RESTORE_WORK_DIR (the
#             WooCommerce Job's main container, from an image with WP-CLI and
#             the mariadb client); refuses a folder not marked verified
#
# Environment: as backup.sh (engine, database, object store), plus
#   RESTORE_FROM_STORE, RESTORE_BACKUP_ID   which backup (a clone names its source store)
#   RESTORE_MANIFEST_SHA256                 the manifest's sha256 as recorded at backup time
#   RESTORE_WORK_DIR                        download / apply: the folder the two phases share
#   CLONE_FROM_URL, STORE_URL               clone only: the source URL and the new one
#   WP_PATH                                 woocommerce: the WordPress root (for wp search-replace)
#   ADMIN_USER, ADMIN_PASSWORD              woocommerce clone: the clone Secret's admin login
#
# The store's workloads must be stopped while this runs (the controller
# scales them to zero and shows Restoring): a running engine would write
# between the import and its restart.
set -eu

say() { echo "restore: $*"; }
# The reason also goes to the termination-message file, which Kubernetes
# copies into the pod's status for the controller to record on the row
# (packages/k8s podsTerminationReason). It exists only in a pod: elsewhere
# nothing is written. TERMINATION_LOG overrides the path for tests.
die() {
  echo "restore: $*" >&2
  [ ! -w "${TERMINATION_LOG:-/dev/termination-log}" ] || echo "restore: $*" >"${TERMINATION_LOG:-/dev/termination-log}"
  exit 1
}

mode=${1:-all}
case "$mode" in
  all | download | apply) ;;
  *) die "usage: restore.sh [all | download | apply], got \"$mode\"" ;;
esac

: "${BACKUP_ENGINE:?BACKUP_ENGINE must be set (medusa | woocommerce)}"
: "${RESTORE_FROM_STORE:?RESTORE_FROM_STORE must be set}"
: "${RESTORE_BACKUP_ID:?RESTORE_BACKUP_ID must be set}"
: "${RESTORE_MANIFEST_SHA256:?RESTORE_MANIFEST_SHA256 must be set (the sha256 recorded at backup time)}"
download_cmd=${STOREPLANE_BACKUP:-storeplane-backup}

umask 077
if [ "$mode" = all ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/storeplane-restore.XXXXXX")
  trap 'rm -rf "$work"' EXIT INT TERM
else
  : "${RESTORE_WORK_DIR:?RESTORE_WORK_DIR must be set for restore.sh $mode}"
  work=$RESTORE_WORK_DIR
  mkdir -p "$work"
fi
parts="$work/parts"
# Written last by the download phase, after every part passed its checksum.
verified="$work/verified"

if [ "$mode" != apply ]; then
  rm -f "$verified"
  say "downloading and verifying backup $RESTORE_BACKUP_ID of $RESTORE_FROM_STORE"
  $download_cmd download --dir "$parts" --store "$RESTORE_FROM_STORE" \
    --backup-id "$RESTORE_BACKUP_ID" --manifest-sha256 "$RESTORE_MANIFEST_SHA256" > "$work/manifest.json" \
    || die "backup $RESTORE_BACKUP_ID not restored: its objects could not be fetched and verified (nothing was changed)"
  if [ "$BACKUP_ENGINE" = woocommerce ]; then
    # A broken media archive fails here, before anything is changed.
    tar -tzf "$parts/uploads.tar.gz" > /dev/null \
      || die "media archive of $RESTORE_BACKUP_ID is unreadable (nothing was changed)"
  fi
  if [ "$mode" = download ]; then
    # The apply container runs these from the shared folder (it has no backup image).
    here=$(dirname "$0")
    cp "$0" "$work/restore.sh"
    if [ -f "$here/rewrite-url.php" ]; then cp "$here/rewrite-url.php" "$work/rewrite-url.php"; fi
  fi
  echo "$RESTORE_BACKUP_ID" > "$verified"
  say "all parts verified"
  if [ "$mode" = download ]; then exit 0; fi
fi

if ! [ -f "$verified" ] || [ "$(cat "$verified")" != "$RESTORE_BACKUP_ID" ]; then
  die "backup $RESTORE_BACKUP_ID not restored: $work holds no verified download of it (nothing was changed)"
fi
say "all parts verified; replacing the store's data"

case "$BACKUP_ENGINE" in
  medusa)
    : "${PGHOST:?PGHOST must be set}" "${PGDATABASE:?PGDATABASE must be set}" "${PGUSER:?PGUSER must be set}"
    # One transaction: a failing restore leaves the database as it was.
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
      --exit-on-error --dbname="$PGDATABASE" "$parts/database.dump" \
      || die "pg_restore into $PGDATABASE failed (rolled back)"
    say "database $PGDATABASE restored"
    if [ -n "${CLONE_FROM_URL:-}" ]; then
      # A clone gets its own credentials: the source's admin users, their
      # email/password identities (scrypt hashes), pending invites and secret
      # API keys go. Shoppers' accounts stay (they are the shop's data). The
      # clone's admin is then created from the clone's Secret by its setup
      # Job (`medusa user`, Medusa's own hashing), as for any new store.
      psql -X -q -v ON_ERROR_STOP=1 --single-transaction --dbname="$PGDATABASE" <<'SQL' \
        || die "clone: removing the source store's admin credentials from $PGDATABASE failed"
DELETE FROM provider_identity WHERE auth_identity_id IN
  (SELECT id FROM auth_identity WHERE app_metadata ? 'user_id');
DELETE FROM auth_identity WHERE app_metadata ? 'user_id';
DELETE FROM invite;
DELETE FROM "user";
DELETE FROM api_key WHERE type = 'secret';
SQL
      say "clone: the source store's admin users and secret API keys removed"
    fi
    ;;
  woocommerce)
    : "${WORDPRESS_DB_HOST:?WORDPRESS_DB_HOST must be set}" "${WORDPRESS_DB_NAME:?WORDPRESS_DB_NAME must be set}"
    : "${WORDPRESS_DB_USER:?WORDPRESS_DB_USER must be set}" "${WORDPRESS_DB_PASSWORD:?WORDPRESS_DB_PASSWORD must be set}"
    : "${WP_CONTENT_DIR:?WP_CONTENT_DIR must be set}"
    host=${WORDPRESS_DB_HOST%%:*}
    port=3306
    case "$WORDPRESS_DB_HOST" in *:*) port=${WORDPRESS_DB_HOST##*:} ;; esac
    printf '[client]\nhost=%s\nport=%s\nuser=%s\npassword=%s\n' "$host" "$port" \
      "$WORDPRESS_DB_USER" "$WORDPRESS_DB_PASSWORD" > "$work/client.cnf"
    db() { mariadb --defaults-extra-file="$work/client.cnf" "$@"; }
    # Unpack the media beside the live folder first: a broken archive fails here, before the database.
    rm -rf "${work:?}/media" && mkdir "$work/media"
    tar -C "$work/media" -xzf "$parts/uploads.tar.gz" || die "media archive of $RESTORE_BACKUP_ID is unreadable"
    # The dump recreates the tables it holds (DROP TABLE IF EXISTS); tables made
    # after the backup (a plugin installed since) are dropped first, so the
    # database is the backup's and nothing else.
    tables=$(db -N -B -e "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()" "$WORDPRESS_DB_NAME")
    if [ -n "$tables" ]; then
      # shellcheck disable=SC2016 # the backquotes are MariaDB identifier quotes, not a command
      drops=$(echo "$tables" | sed 's/.*/`&`/' | paste -sd, -)
      db -e "SET FOREIGN_KEY_CHECKS=0; DROP TABLE IF EXISTS $drops;" "$WORDPRESS_DB_NAME"
    fi
    gunzip -c "$parts/database.sql.gz" | db "$WORDPRESS_DB_NAME" || die "import into $WORDPRESS_DB_NAME failed"
    say "database $WORDPRESS_DB_NAME restored"
    rm -rf "$WP_CONTENT_DIR/uploads.previous"
    if [ -d "$WP_CONTENT_DIR/uploads" ]; then mv "$WP_CONTENT_DIR/uploads" "$WP_CONTENT_DIR/uploads.previous"; fi
    mv "$work/media/uploads" "$WP_CONTENT_DIR/uploads"
    rm -rf "$WP_CONTENT_DIR/uploads.previous"
    say "media restored"
    if [ -n "${CLONE_FROM_URL:-}" ]; then
      : "${STORE_URL:?STORE_URL must be set for a clone}" "${WP_PATH:?WP_PATH must be set for a clone}"
      say "clone: rewriting $CLONE_FROM_URL to $STORE_URL"
      export CLONE_FROM_URL STORE_URL
      wp --path="$WP_PATH" eval-file "$(dirname "$0")/rewrite-url.php"
      wp --path="$WP_PATH" option update siteurl "$STORE_URL" --quiet
      wp --path="$WP_PATH" option update home "$STORE_URL" --quiet
      # A clone gets its own credentials: the source's REST keys and
      # application passwords are removed (the clone's setup Job makes its
      # own), and the admin takes the clone Secret's password, read by PHP
      # from the environment so it never appears on a command line.
      db -e "DELETE FROM \`${WORDPRESS_TABLE_PREFIX:-wp_}woocommerce_api_keys\`; DELETE FROM \`${WORDPRESS_TABLE_PREFIX:-wp_}usermeta\` WHERE meta_key = '_application_passwords';" "$WORDPRESS_DB_NAME"
      if [ -n "${ADMIN_USER:-}" ] && [ -n "${ADMIN_PASSWORD:-}" ]; then
        export ADMIN_USER ADMIN_PASSWORD
        # shellcheck disable=SC2016 # PHP code: its $variables are PHP's
        wp --path="$WP_PATH" eval '$u = get_user_by("login", getenv("ADMIN_USER")); if (!$u) { fwrite(STDERR, "no admin user " . getenv("ADMIN_USER") . "\n"); exit(1); } wp_set_password(getenv("ADMIN_PASSWORD"), $u->ID);'
        say "clone: admin password set from the clone's Secret"
      fi
      # No persistent object cache in the store's pod; flush what this process holds anyway.
      wp --path="$WP_PATH" eval 'wp_cache_flush();'
    fi
    ;;
  *) die "BACKUP_ENGINE must be medusa or woocommerce, got \"$BACKUP_ENGINE\"" ;;
esac
say "done: backup $RESTORE_BACKUP_ID restored"
