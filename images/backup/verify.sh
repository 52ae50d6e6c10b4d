#!/bin/sh
# storeplane verify Job: prove a backup restores. Download it and check every
# part exactly as restore.sh does (`storeplane-backup download` against the
# manifest sha256 the platform recorded), restore it into a NEW scratch
# database (never the store's own: the script creates the database and
# refuses one that exists), start the engine on it, run its health check and
# an order lookup, then drop the scratch database. Run by the verify Job
# (apps/controller/src/backups/verify-job-spec.ts: a scratch database server
# in the Job's own pod, emptyDir storage) and for real by
# e2e/test/backup-verify-*.engine.test.ts.
#
#   verify.sh [all | restore | check | cleanup]      (default: all)
#
# The phases exist because one image rarely has every tool: `restore` and
# `cleanup` need storeplane-backup and the database client (the backup image),
# `check` needs the engine (the store's image). `all` runs the three in one
# process and always cleans up. The phases share VERIFY_STATE_DIR.
#
# Environment: as restore.sh (BACKUP_ENGINE, RESTORE_FROM_STORE,
# RESTORE_BACKUP_ID, RESTORE_MANIFEST_SHA256, the object store), plus
#   VERIFY_DATABASE      the scratch database to create (default storeplane_verify)
#   VERIFY_ORDER_ID      optional: the order that must be found (default: the newest)
#   VERIFY_STATE_DIR     folder shared by the phases (default: a private temp folder, `all` only)
#   medusa:      PGHOST PGPORT PGUSER PGPASSWORD: the SCRATCH server (a role that may create databases)
#                MEDUSA_CLI (default: medusa), MEDUSA_DIR (the app; default: .), VERIFY_PORT (default 9000)
#   woocommerce: WORDPRESS_DB_HOST WORDPRESS_DB_USER WORDPRESS_DB_PASSWORD: the SCRATCH server,
#                WP_PATH (WordPress whose wp-config.php reads WORDPRESS_DB_* from the environment),
#                WP_CONTENT_DIR (a scratch wp-content: its uploads folder is replaced)
#
# The last line on stdout is one JSON object, the Job's result:
#   {"verified":true,"backupId":…,"engine":…,"order":…,"orders":N,"restoreMs":…,"checkMs":…}
# A failure prints `verify: FAILED: <reason>` to stderr and exits 1.
set -eu

say() { echo "verify: $*"; }
# The reason also goes to the termination-message file, which Kubernetes
# copies into the pod's status for the controller to record on the row
# (packages/k8s podsTerminationReason). It exists only in a pod: elsewhere
# nothing is written. TERMINATION_LOG overrides the path for tests.
die() {
  echo "verify: FAILED: $*" >&2
  [ ! -w "${TERMINATION_LOG:-/dev/termination-log}" ] || echo "verify: FAILED: $*" >"${TERMINATION_LOG:-/dev/termination-log}"
  exit 1
}
now_ms() { date +%s%3N; } # GNU date (the image is Debian's)

phase=${1:-all}
case "$phase" in all | restore | check | cleanup) ;; *) die "unknown phase \"$phase\" (all | restore | check | cleanup)" ;; esac
: "${BACKUP_ENGINE:?BACKUP_ENGINE must be set (medusa | woocommerce)}"
: "${RESTORE_BACKUP_ID:?RESTORE_BACKUP_ID must be set}"
case "$BACKUP_ENGINE" in medusa | woocommerce) ;; *) die "BACKUP_ENGINE must be medusa or woocommerce, got \"$BACKUP_ENGINE\"" ;; esac
scratch=${VERIFY_DATABASE:-storeplane_verify}
case "$scratch" in *[!a-z0-9_]* | "") die "VERIFY_DATABASE must be lower-case letters, digits and _, got \"$scratch\"" ;; esac
download_cmd=${STOREPLANE_BACKUP:-storeplane-backup}

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/storeplane-verify.XXXXXX")
engine_pid=""
stop_engine() {
  if [ -n "$engine_pid" ]; then
    kill "$engine_pid" 2>/dev/null || true
    wait "$engine_pid" 2>/dev/null || true
    engine_pid=""
  fi
}
if [ -n "${VERIFY_STATE_DIR:-}" ]; then
  state=$VERIFY_STATE_DIR
  mkdir -p "$state"
elif [ "$phase" = all ]; then
  state="$work/state"
  mkdir "$state"
else
  die "VERIFY_STATE_DIR must be set for the $phase phase (the phases share it)"
fi

# --- the scratch database server --------------------------------------------
pg_admin() { psql -X -q -v ON_ERROR_STOP=1 --dbname=postgres "$@"; }
maria_options() {
  : "${WORDPRESS_DB_HOST:?WORDPRESS_DB_HOST must be set}" "${WORDPRESS_DB_USER:?WORDPRESS_DB_USER must be set}"
  : "${WORDPRESS_DB_PASSWORD?WORDPRESS_DB_PASSWORD must be set (it may be empty)}"
  host=${WORDPRESS_DB_HOST%%:*}
  port=3306
  case "$WORDPRESS_DB_HOST" in *:*) port=${WORDPRESS_DB_HOST##*:} ;; esac
  printf '[client]\nhost=%s\nport=%s\nuser=%s\npassword=%s\n' "$host" "$port" \
    "$WORDPRESS_DB_USER" "$WORDPRESS_DB_PASSWORD" > "$work/client.cnf"
}
db() { mariadb --defaults-extra-file="$work/client.cnf" "$@"; }

drop_scratch() {
  case "$BACKUP_ENGINE" in
    medusa) pg_admin -c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" ;;
    woocommerce)
      maria_options
      # shellcheck disable=SC2016 # backquotes are MariaDB identifier quotes
      db -e "DROP DATABASE IF EXISTS \`$scratch\`"
      if [ -n "${WP_CONTENT_DIR:-}" ] && [ -f "$state/uploads-owned" ]; then rm -rf "$WP_CONTENT_DIR/uploads"; fi
      ;;
  esac
  rm -f "$state/created"
}

cleanup() {
  stop_engine
  # restore and check leave the scratch database for the next phase; all and cleanup drop it.
  if { [ "$phase" = all ] || [ "$phase" = cleanup ]; } && [ -f "$state/created" ]; then
    drop_scratch >/dev/null 2>&1 && say "scratch database $scratch dropped" \
      || echo "verify: could not drop the scratch database $scratch" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- restore: download, verify, load into a new scratch database -------------
restore_phase() {
  : "${RESTORE_FROM_STORE:?RESTORE_FROM_STORE must be set}"
  : "${RESTORE_MANIFEST_SHA256:?RESTORE_MANIFEST_SHA256 must be set (the sha256 recorded at backup time)}"
  started=$(now_ms)
  parts="$work/parts"
  say "downloading and verifying backup $RESTORE_BACKUP_ID of $RESTORE_FROM_STORE"
  $download_cmd download --dir "$parts" --store "$RESTORE_FROM_STORE" \
    --backup-id "$RESTORE_BACKUP_ID" --manifest-sha256 "$RESTORE_MANIFEST_SHA256" > "$work/manifest.json" \
    || die "backup $RESTORE_BACKUP_ID cannot be fetched and verified (checksum or object store)"
  size=$(du -sk "$parts" | cut -f1)
  say "all parts verified (${size} KiB); restoring into the scratch database $scratch"
  case "$BACKUP_ENGINE" in
    medusa)
      : "${PGHOST:?PGHOST must be set (the scratch server)}" "${PGUSER:?PGUSER must be set}"
      # CREATE DATABASE fails on an existing name: the script only ever writes a database it made.
      pg_admin -c "CREATE DATABASE \"$scratch\"" || die "cannot create the scratch database $scratch (it must not exist)"
      : > "$state/created"
      pg_restore --no-owner --no-privileges --single-transaction --exit-on-error \
        --dbname="$scratch" "$parts/database.dump" || die "pg_restore of backup $RESTORE_BACKUP_ID failed"
      psql -X -A -t -q -v ON_ERROR_STOP=1 --dbname="$scratch" \
        -c 'SELECT count(*) FROM "order" WHERE deleted_at IS NULL' > "$state/orders" \
        || die "the restored database has no readable order table"
      ;;
    woocommerce)
      : "${WP_CONTENT_DIR:?WP_CONTENT_DIR must be set (a scratch wp-content)}"
      maria_options
      # shellcheck disable=SC2016 # backquotes are MariaDB identifier quotes
      db -e "CREATE DATABASE \`$scratch\`" || die "cannot create the scratch database $scratch (it must not exist)"
      : > "$state/created"
      gunzip -c "$parts/database.sql.gz" | db "$scratch" || die "import of backup $RESTORE_BACKUP_ID failed"
      [ ! -e "$WP_CONTENT_DIR/uploads" ] || die "$WP_CONTENT_DIR/uploads exists: verify needs a scratch wp-content"
      mkdir -p "$WP_CONTENT_DIR"
      : > "$state/uploads-owned"
      tar -C "$WP_CONTENT_DIR" -xzf "$parts/uploads.tar.gz" || die "media archive of backup $RESTORE_BACKUP_ID is unreadable"
      find "$WP_CONTENT_DIR/uploads" -type f | wc -l | tr -d ' ' > "$state/media-files"
      ;;
  esac
  echo $(($(now_ms) - started)) > "$state/restore-ms"
  echo "$size" > "$state/size-kib"
  say "restored in $(cat "$state/restore-ms") ms"
}

# --- check: the engine on the scratch database -------------------------------
medusa_check() {
  : "${PGHOST:?PGHOST must be set}" "${PGUSER:?PGUSER must be set}"
  port=${VERIFY_PORT:-9000}
  cli=${MEDUSA_CLI:-medusa}
  base="http://127.0.0.1:$port"
  # Throwaway secrets and a throwaway admin, all in the scratch database only.
  secret() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
  DATABASE_URL="postgres://$(printf %s "$PGUSER")${PGPASSWORD:+:$PGPASSWORD}@$PGHOST:${PGPORT:-5432}/$scratch"
  JWT_SECRET=$(secret)
  COOKIE_SECRET=$(secret)
  VERIFY_ADMIN_EMAIL="verify-$(secret | cut -c1-8)@storeplane.invalid"
  VERIFY_ADMIN_PASSWORD=$(secret)
  PORT=$port
  STORE_URL=$base
  MEDUSA_ADMIN_DISABLED=true
  MEDUSA_DISABLE_TELEMETRY=true
  export DATABASE_URL JWT_SECRET COOKIE_SECRET PORT STORE_URL MEDUSA_ADMIN_DISABLED MEDUSA_DISABLE_TELEMETRY
  export VERIFY_ADMIN_EMAIL VERIFY_ADMIN_PASSWORD
  unset REDIS_URL || true
  cd "${MEDUSA_DIR:-.}"
  # The password reaches the CLI as an argument inside this pod only (the
  # CLI has no other way); it opens nothing but the scratch database.
  $cli user -e "$VERIFY_ADMIN_EMAIL" -p "$VERIFY_ADMIN_PASSWORD" > "$work/user.log" 2>&1 \
    || { tail -20 "$work/user.log" >&2; die "medusa user on the restored database failed"; }
  $cli start > "$work/medusa.log" 2>&1 &
  engine_pid=$!
  VERIFY_BASE=$base node -e '
    const base = process.env.VERIFY_BASE;
    const fail = (m) => { console.error(m); process.exit(1); };
    (async () => {
      const until = Date.now() + Number(process.env.VERIFY_START_TIMEOUT_S || 180) * 1000;
      for (;;) {
        try { if ((await fetch(base + "/health", { signal: AbortSignal.timeout(2000) })).ok) break; } catch {}
        if (Date.now() > until) fail("GET /health did not answer 200");
        await new Promise((r) => setTimeout(r, 500));
      }
      const login = await fetch(base + "/auth/user/emailpass", { method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: process.env.VERIFY_ADMIN_EMAIL, password: process.env.VERIFY_ADMIN_PASSWORD }) });
      if (!login.ok) fail("admin login on the restored store failed: HTTP " + login.status);
      const { token } = await login.json();
      const auth = { authorization: "Bearer " + token };
      const wanted = process.env.VERIFY_ORDER_ID;
      const url = wanted ? base + "/admin/orders/" + encodeURIComponent(wanted) + "?fields=id,display_id"
        : base + "/admin/orders?order=-created_at&limit=1&fields=id,display_id";
      const res = await fetch(url, { headers: auth });
      if (!res.ok) fail((wanted ? "order " + wanted + " not found" : "GET /admin/orders failed") + ": HTTP " + res.status);
      const body = await res.json();
      const order = wanted ? body.order : body.orders[0];
      const count = wanted ? null : body.count;
      console.log(JSON.stringify({ order: order ? { id: order.id, displayId: order.display_id } : null, count }));
    })().catch((e) => fail(String(e && e.message || e)));
  ' > "$work/lookup.json" 2> "$work/lookup.err" || {
    cat "$work/lookup.err" >&2
    tail -20 "$work/medusa.log" >&2
    die "$(tail -1 "$work/lookup.err")"
  }
  stop_engine
  cp "$work/lookup.json" "$state/lookup.json"
}

woocommerce_check() {
  : "${WP_PATH:?WP_PATH must be set}"
  WORDPRESS_DB_NAME=$scratch
  export WORDPRESS_DB_NAME
  wpc() { wp --path="$WP_PATH" --skip-themes "$@" 2>> "$work/wp.err"; }
  wpc core is-installed || die "WordPress is not installed in the restored database"
  wpc plugin is-active woocommerce || die "WooCommerce is not active in the restored database"
  # The Store API answers (in-process, as a request to /wp-json would be routed),
  # and the order is found through WooCommerce's own data store (HPOS or posts).
  # shellcheck disable=SC2016 # PHP code: its $variables are PHP's
  wpc eval '
    $r = rest_do_request(new WP_REST_Request("GET", "/wc/store/v1/products"));
    if ($r->is_error() || $r->get_status() !== 200) { fwrite(STDERR, "the Store API answered " . $r->get_status() . "\n"); exit(1); }
    $wanted = getenv("VERIFY_ORDER_ID");
    $ids = wc_get_orders(array("limit" => 1, "orderby" => "date", "order" => "DESC", "return" => "ids"));
    $id = $wanted ? (int) $wanted : ($ids ? $ids[0] : 0);
    $order = $id ? wc_get_order($id) : null;
    if ($wanted && !$order) { fwrite(STDERR, "order " . $wanted . " not found\n"); exit(1); }
    $count = (int) (new WC_Order_Query(array("limit" => -1, "return" => "ids", "paginate" => true)))->get_orders()->total;
    echo json_encode(array("order" => $order ? array("id" => $order->get_id(), "displayId" => $order->get_order_number()) : null, "count" => $count, "products" => count($r->get_data())));
  ' > "$work/lookup.json" || die "$(tail -1 "$work/wp.err" 2>/dev/null || echo "wp eval failed")"
  cp "$work/lookup.json" "$state/lookup.json"
}

check_phase() {
  [ -f "$state/created" ] || die "no restored scratch database (run the restore phase first)"
  started=$(now_ms)
  say "starting $BACKUP_ENGINE on the scratch database $scratch"
  case "$BACKUP_ENGINE" in
    medusa) medusa_check ;;
    woocommerce) woocommerce_check ;;
  esac
  echo $(($(now_ms) - started)) > "$state/check-ms"
  say "health check and order lookup passed in $(cat "$state/check-ms") ms: $(cat "$state/lookup.json")"
}

result() {
  lookup=$(cat "$state/lookup.json")
  printf '{"verified":true,"backupId":"%s","engine":"%s","lookup":%s,"sizeKiB":%s,"restoreMs":%s,"checkMs":%s}\n' \
    "$RESTORE_BACKUP_ID" "$BACKUP_ENGINE" "$lookup" "$(cat "$state/size-kib")" \
    "$(cat "$state/restore-ms")" "$(cat "$state/check-ms")"
}

case "$phase" in
  restore) restore_phase ;;
  check)
    check_phase
    result
    ;;
  cleanup) say "cleaning up" ;;
  all)
    restore_phase
    check_phase
    result
    ;;
esac
