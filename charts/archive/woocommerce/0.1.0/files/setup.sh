#!/bin/sh
# storeplane WooCommerce setup: turns an empty WordPress into a shop that takes
# orders. Run by the store's setup Job, either from the prebaked image
# (/usr/local/bin/storeplane-setup.sh) or mounted from a ConfigMap into the
# official wordpress:cli image. POSIX sh (the cli image is Alpine).
#
# Idempotent: every step checks before it acts, so the Job can run again after
# a crash, an upgrade or a retry without changing a working shop. Waits are
# bounded. Passwords are read from the environment, passed to WP-CLI on stdin
# (never on a command line), and never printed.
#
# Environment (required unless a default is shown):
#   STORE_URL            public URL of the shop, e.g. http://demo.localhost
#   STORE_TITLE          site title                          (default: "Storeplane Shop")
#   ADMIN_USER / ADMIN_PASSWORD / ADMIN_EMAIL                 the WordPress administrator
#   WORDPRESS_DB_HOST / WORDPRESS_DB_NAME / WORDPRESS_DB_USER / WORDPRESS_DB_PASSWORD
#                        (DB_HOST / DB_NAME / DB_USER / DB_PASSWORD are accepted too)
#   WP_PATH              WordPress root                      (default: /var/www/html)
#   WOOCOMMERCE_VERSION  installed when the plugin is absent (default: the prebaked pin)
#   STOREFRONT_VERSION   installed when the theme is absent  (default: the prebaked pin)
#   DB_WAIT_SECONDS / FILES_WAIT_SECONDS                      bounded waits (default: 300)
#   WC_API_CONSUMER_KEY / WC_API_CONSUMER_SECRET  optional: a read-only REST API key
#                        (ck_… / cs_…) for the e2e order check; created once if set.
set -eu

log() { printf 'storeplane-setup: %s\n' "$*"; }
die() { printf 'storeplane-setup: error: %s\n' "$*" >&2; exit 1; }

STORE_TITLE="${STORE_TITLE:-Storeplane Shop}"
WP_PATH="${WP_PATH:-/var/www/html}"
WOOCOMMERCE_VERSION="${WOOCOMMERCE_VERSION:-10.2.2}"
STOREFRONT_VERSION="${STOREFRONT_VERSION:-4.6.1}"
DB_WAIT_SECONDS="${DB_WAIT_SECONDS:-300}"
FILES_WAIT_SECONDS="${FILES_WAIT_SECONDS:-300}"
SAMPLE_SKU="STOREPLANE-SAMPLE-1"

# The official image's wp-config-docker.php reads WORDPRESS_DB_* at run time:
# export them under that name whichever spelling we were given.
WORDPRESS_DB_HOST="${WORDPRESS_DB_HOST:-${DB_HOST:-}}"
WORDPRESS_DB_NAME="${WORDPRESS_DB_NAME:-${DB_NAME:-}}"
WORDPRESS_DB_USER="${WORDPRESS_DB_USER:-${DB_USER:-}}"
WORDPRESS_DB_PASSWORD="${WORDPRESS_DB_PASSWORD:-${DB_PASSWORD:-}}"
export WORDPRESS_DB_HOST WORDPRESS_DB_NAME WORDPRESS_DB_USER WORDPRESS_DB_PASSWORD

for name in STORE_URL ADMIN_USER ADMIN_PASSWORD ADMIN_EMAIL \
  WORDPRESS_DB_HOST WORDPRESS_DB_NAME WORDPRESS_DB_USER WORDPRESS_DB_PASSWORD; do
  eval "value=\${$name:-}"
  # shellcheck disable=SC2154 # assigned by the eval above
  [ -n "$value" ] || die "$name must be set"
done
STORE_URL="${STORE_URL%/}"

# WP-CLI refuses root unless told; the prebaked image may run the Job as root.
wp_cli() {
  if [ "$(id -u)" = "0" ]; then
    wp --path="$WP_PATH" --allow-root "$@"
  else
    wp --path="$WP_PATH" "$@"
  fi
}

# 1. WordPress files: copy the image's core if the volume is empty (prebaked or
#    official WordPress image), otherwise wait for the WordPress pod to do it.
if [ ! -f "$WP_PATH/wp-includes/version.php" ]; then
  if [ -f /usr/src/wordpress/wp-includes/version.php ]; then
    log "copying WordPress core into $WP_PATH"
    mkdir -p "$WP_PATH"
    cp -R /usr/src/wordpress/. "$WP_PATH/"
  else
    log "waiting up to ${FILES_WAIT_SECONDS}s for WordPress files in $WP_PATH"
    waited=0
    until [ -f "$WP_PATH/wp-includes/version.php" ]; do
      [ "$waited" -lt "$FILES_WAIT_SECONDS" ] || die "no WordPress files in $WP_PATH after ${FILES_WAIT_SECONDS}s"
      sleep 5
      waited=$((waited + 5))
    done
  fi
else
  log "WordPress files present"
fi

# 2. wp-config.php: prefer the official image's env-reading config (no
#    password on disk); fall back to `wp config create` with the password on stdin.
if [ ! -f "$WP_PATH/wp-config.php" ]; then
  if [ -f "$WP_PATH/wp-config-docker.php" ]; then
    log "writing wp-config.php from wp-config-docker.php (reads the database settings from the environment)"
    # Replace each placeholder salt with its own random value, as the image's entrypoint does.
    # shellcheck disable=SC2016 # PHP code: its $variables are PHP's, not the shell's
    php -r '
      $src = file_get_contents($argv[1]);
      $out = preg_replace_callback("/put your unique phrase here/", function () { return bin2hex(random_bytes(32)); }, $src);
      file_put_contents($argv[2], $out);
    ' "$WP_PATH/wp-config-docker.php" "$WP_PATH/wp-config.php"
  else
    log "creating wp-config.php"
    printf '%s\n' "$WORDPRESS_DB_PASSWORD" | wp_cli config create \
      --dbhost="$WORDPRESS_DB_HOST" --dbname="$WORDPRESS_DB_NAME" --dbuser="$WORDPRESS_DB_USER" \
      --prompt=dbpass --skip-check >/dev/null
  fi
else
  log "wp-config.php present"
fi

# 3. Database: bounded wait for a real connection (PHP's mysqli is in both
#    images; the apache image has no mysql client for `wp db check`).
log "waiting up to ${DB_WAIT_SECONDS}s for the database at $WORDPRESS_DB_HOST"
waited=0
# shellcheck disable=SC2016 # PHP code: its $variables are PHP's, not the shell's
until php -r '
  mysqli_report(MYSQLI_REPORT_OFF);
  $hp = explode(":", getenv("WORDPRESS_DB_HOST"), 2);
  $c = @mysqli_connect($hp[0], getenv("WORDPRESS_DB_USER"), getenv("WORDPRESS_DB_PASSWORD"), getenv("WORDPRESS_DB_NAME"), isset($hp[1]) ? (int) $hp[1] : 3306);
  exit($c ? 0 : 1);
' 2>/dev/null; do
  [ "$waited" -lt "$DB_WAIT_SECONDS" ] || die "database $WORDPRESS_DB_HOST not reachable after ${DB_WAIT_SECONDS}s"
  sleep 3
  waited=$((waited + 3))
done
log "database reachable"

# 4. Core install, once.
if wp_cli core is-installed >/dev/null 2>&1; then
  log "WordPress already installed"
else
  log "installing WordPress at $STORE_URL"
  printf '%s\n' "$ADMIN_PASSWORD" | wp_cli core install --url="$STORE_URL" --title="$STORE_TITLE" \
    --admin_user="$ADMIN_USER" --admin_email="$ADMIN_EMAIL" --prompt=admin_password --skip-email >/dev/null
fi

# 5. Site URL follows the public store URL (it changes when the domain does).
for option in siteurl home; do
  if [ "$(wp_cli option get "$option")" != "$STORE_URL" ]; then
    log "setting $option to $STORE_URL"
    wp_cli option update "$option" "$STORE_URL" >/dev/null
  fi
done
if [ "$(wp_cli option get blogname)" != "$STORE_TITLE" ]; then
  wp_cli option update blogname "$STORE_TITLE" >/dev/null
fi

# 6. Pretty permalinks, and the .htaccess Apache needs for them (WP-CLI cannot
#    know mod_rewrite is on, so it will not write the file itself).
if [ "$(wp_cli option get permalink_structure)" != "/%postname%/" ]; then
  log "setting pretty permalinks"
  wp_cli rewrite structure '/%postname%/' >/dev/null
  wp_cli rewrite flush >/dev/null
fi
if ! grep -q 'BEGIN WordPress' "$WP_PATH/.htaccess" 2>/dev/null; then
  log "writing .htaccess"
  cat >>"$WP_PATH/.htaccess" <<'HTACCESS'
# BEGIN WordPress
<IfModule mod_rewrite.c>
RewriteEngine On
RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]
RewriteBase /
RewriteRule ^index\.php$ - [L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{REQUEST_FILENAME} !-d
RewriteRule . /index.php [L]
</IfModule>
# END WordPress
HTACCESS
fi

# 7. WooCommerce: activate the baked plugin, or install the pinned version.
if ! wp_cli plugin is-installed woocommerce; then
  log "installing WooCommerce $WOOCOMMERCE_VERSION"
  wp_cli plugin install woocommerce --version="$WOOCOMMERCE_VERSION" >/dev/null
fi
if ! wp_cli plugin is-active woocommerce; then
  log "activating WooCommerce"
  wp_cli plugin activate woocommerce >/dev/null
fi

# 8. Storefront theme, the same way.
if ! wp_cli theme is-installed storefront; then
  log "installing Storefront $STOREFRONT_VERSION"
  wp_cli theme install storefront --version="$STOREFRONT_VERSION" >/dev/null
fi
if [ "$(wp_cli option get stylesheet)" != "storefront" ]; then
  log "activating Storefront"
  wp_cli theme activate storefront >/dev/null
fi

# 9. Shop, cart, checkout and account pages.
page_ok() {
  id="$(wp_cli option get "$1" 2>/dev/null || true)"
  [ -n "$id" ] && [ "$id" != "0" ] && [ "$(wp_cli post get "$id" --field=post_status 2>/dev/null || true)" = "publish" ]
}
if page_ok woocommerce_shop_page_id && page_ok woocommerce_cart_page_id && page_ok woocommerce_checkout_page_id; then
  log "WooCommerce pages present"
else
  log "creating WooCommerce pages"
  wp_cli wc tool run install_pages --user="$ADMIN_USER" >/dev/null
fi

# 10. Cash on delivery, so an order can be placed without a payment provider.
if [ "$(wp_cli option pluck woocommerce_cod_settings enabled 2>/dev/null || true)" != "yes" ]; then
  log "enabling Cash on delivery"
  wp_cli option update woocommerce_cod_settings \
    '{"enabled":"yes","title":"Cash on delivery","description":"Pay with cash upon delivery.","instructions":"Pay with cash upon delivery.","enable_for_methods":"","enable_for_virtual":"yes"}' \
    --format=json >/dev/null
fi

# 11. Store basics: currency and a base address (checkout needs a selling country).
if [ "$(wp_cli option get woocommerce_default_country 2>/dev/null || true)" = "" ]; then
  wp_cli option update woocommerce_default_country "US:CA" >/dev/null
fi

# 11b. Free shipping everywhere ("Locations not covered by your other zones",
#      zone 0), so a physical product can be checked out out of the box.
if wp_cli wc shipping_zone_method list 0 --user="$ADMIN_USER" --field=method_id 2>/dev/null | grep -qx free_shipping; then
  log "free shipping present"
else
  log "adding free shipping"
  wp_cli wc shipping_zone_method create 0 --user="$ADMIN_USER" --method_id=free_shipping --enabled=true >/dev/null
fi

# 12. A sample product, found again by its SKU.
if [ -n "$(wp_cli wc product list --user="$ADMIN_USER" --sku="$SAMPLE_SKU" --field=id 2>/dev/null || true)" ]; then
  log "sample product present"
else
  log "creating the sample product"
  wp_cli wc product create --user="$ADMIN_USER" --name="Storeplane Sample Hoodie" --type=simple \
    --regular_price=25.00 --sku="$SAMPLE_SKU" --status=publish \
    --description="A warm hoodie, created by the storeplane setup job." >/dev/null
fi

# 13. Open the shop: "coming soon" is on by default since WooCommerce 9.x.
if [ "$(wp_cli option get woocommerce_coming_soon 2>/dev/null || true)" != "no" ]; then
  log "turning off coming-soon mode"
  wp_cli option update woocommerce_coming_soon no >/dev/null
fi

# 14. Skip the onboarding wizard and task list.
if [ "$(wp_cli option pluck woocommerce_onboarding_profile skipped 2>/dev/null || true)" != "1" ]; then
  wp_cli option update woocommerce_onboarding_profile '{"skipped":true}' --format=json >/dev/null
fi
# WooCommerce 10.2 keeps hidden task lists in woocommerce_task_list_hidden_lists;
# updating the old woocommerce_task_list_hidden runs a compatibility hook that
# deletes it and reports failure (exit 1), which stopped this script on every
# fresh site before the REST API key existed.
if ! wp_cli option get woocommerce_task_list_hidden_lists --format=json 2>/dev/null | grep -q '"setup"'; then
  log "hiding the onboarding task list"
  wp_cli option update woocommerce_task_list_hidden_lists '["setup"]' --format=json >/dev/null
fi

# 15. Optional read-only REST API key for the e2e order check, stored the way
#     WooCommerce stores keys (hash of the key, secret as is). Created once.
if [ -n "${WC_API_CONSUMER_KEY:-}" ] && [ -n "${WC_API_CONSUMER_SECRET:-}" ]; then
  export WC_API_CONSUMER_KEY WC_API_CONSUMER_SECRET ADMIN_USER
  # shellcheck disable=SC2016 # PHP code: its $variables are PHP's, not the shell's
  wp_cli eval '
    global $wpdb;
    $key = getenv("WC_API_CONSUMER_KEY");
    $table = $wpdb->prefix . "woocommerce_api_keys";
    $hash = wc_api_hash($key);
    if ($wpdb->get_var($wpdb->prepare("SELECT key_id FROM $table WHERE consumer_key = %s", $hash))) {
      echo "storeplane-setup: REST API key present\n";
      return;
    }
    $user = get_user_by("login", getenv("ADMIN_USER"));
    $wpdb->insert($table, array(
      "user_id" => $user->ID,
      "description" => "storeplane e2e (read)",
      "permissions" => "read",
      "consumer_key" => $hash,
      "consumer_secret" => getenv("WC_API_CONSUMER_SECRET"),
      "truncated_key" => substr($key, -7),
    ));
    echo "storeplane-setup: REST API key created\n";
  '
fi

log "done: $STORE_URL is open for orders"
