#!/usr/bin/env bash
# Prepares the WooCommerce stack the real-engine suite runs (WordPress 6.8.3,
# WooCommerce 10.2.2, Storefront 4.6.1, WP-CLI 2.12.0 and the official image's
# wp-config-docker.php: the pins of images/woocommerce) and prints its folder.
#
#   dir="$(bash scripts/woocommerce-stack.sh [--offline])"
#   bash scripts/woocommerce-stack.sh --verify DIR   # check a stack folder's trees
#
# Sources, first that exists wins:
#   1. $WOOCOMMERCE_STACK_DIR, when it already holds a prepared stack (used as is);
#   2. the fixture archive: $WOOCOMMERCE_STACK_ARCHIVE, else
#      <repo>/../shared/fixtures/woocommerce-stack-6.8.3-10.2.2.tar.zst,
#      checked against its sha256, unpacked, and each tree checked against its
#      tree digest below;
#   3. unless --offline: the very trees the fixture was built from (its
#      SOURCES.md), downloaded from GitHub at pinned commits, each unpacked
#      tree checked against the same tree digest before it is used, and the
#      WP-CLI release phar checked against the sha256 WP-CLI publishes.
# The result goes to $WOOCOMMERCE_STACK_DIR, default <repo>/.cache/woocommerce-stack/6.8.3-10.2.2,
# with the fixture's layout plus bin/wp (WP-CLI, whichever way it came).
# Exit 3: no source available (--offline without the fixture, or a tool missing);
# exit 1: a source failed its check (nothing is left in the destination).
#
# Why tree digests and not the sha256 of upstream zips: the machines this
# project is built on have no internet access, so no download could be hashed
# here, and a checksum nobody verified would be worse than none. What can be
# proven here is the content: the fixture names the exact upstream commits it
# was made from, so the digest of each of its trees is the digest that tree
# must have wherever it comes from. e2e/test/woocommerce-stack.cli.test.ts
# recomputes the pins from the fixture (independently of this script) and
# feeds the download path a tampered local mirror (file:// URLs through
# WOOCOMMERCE_STACK_GITHUB / WOOCOMMERCE_STACK_GITHUB_RAW). What it cannot
# exercise is the download from GitHub itself: that GitHub's archives of these
# commits unpack to exactly these trees is what SOURCES.md records, unchecked
# here (no internet).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
WP_VERSION=6.8.3
WC_VERSION=10.2.2
SF_VERSION=4.6.1
CLI_VERSION=2.12.0
ARCHIVE_NAME="woocommerce-stack-${WP_VERSION}-${WC_VERSION}.tar.zst"
ARCHIVE_SHA256=efd6637097f43111d672fd10e308dc53efc7e61b43c52d56806128085d2f938b

# The upstream commits of the fixture's SOURCES.md (commits, not tags: a tag can move).
WP_CORE_COMMIT=0641ab5518c94c1ab094ad4ccdc46aa9c4657fc1 # johnpbloch/wordpress-core tag 6.8.3
# bitpoke/stack-example-wordpress "Update WooCommerce plugin from 10.2.1 to 10.2.2":
# wp-content/plugins/woocommerce and wp-content/themes/storefront as wordpress.org ships them.
WP_EXAMPLE_COMMIT=70ee9060a299190d363edd0cc21186844d7f963b
DOCKER_WP_COMMIT=f143dd4b24dcefc3b633e4a10ed3534d92b91c23 # docker-library/wordpress, version 6.8.3

# Tree digest of a folder: sha256 of the sorted (C locale) lines "sha256  relative/path",
# one per regular file, as `sha256sum` prints them. Computed from the fixture
# (sha256 above) on 2026-12-02; the cli test recomputes them from the fixture.
WP_TREE_SHA256=ad0d563f07c2886e31ad67a4aea718c23c278f6f09b8da3f58c52d2955ef3d9e
WC_TREE_SHA256=e6168e0bc3ff346b9d4353fb6765cfe95a381c417843b84d9a8ff4cccd465db8
SF_TREE_SHA256=cfd92b1d2439d89086713332050c0495eb2f89b94dc8f2c9641f722681d85205
DOCKER_WP_TREE_SHA256=360a47f4ab7d038c5444a573d67c56bd233e8d286026376b1ddde168bb2f3edf
# The fixture's WP-CLI is built from source (composer, see SOURCES.md); the
# download path uses the release phar instead, checked by its published sha256.
CLI_TREE_SHA256=375e99699c51fa126fda24ac399c92997a664a748e1249cb1fdb57e83a0bfa84

# Where the download path fetches from: GitHub, or a mirror of the same paths.
GITHUB="${WOOCOMMERCE_STACK_GITHUB:-https://github.com}"
GITHUB_RAW="${WOOCOMMERCE_STACK_GITHUB_RAW:-https://raw.githubusercontent.com}"
WP_CORE_URL="$GITHUB/johnpbloch/wordpress-core/archive/${WP_CORE_COMMIT}.tar.gz"
WP_EXAMPLE_URL="$GITHUB/bitpoke/stack-example-wordpress/archive/${WP_EXAMPLE_COMMIT}.tar.gz"
DOCKER_WP_URL="$GITHUB_RAW/docker-library/wordpress/${DOCKER_WP_COMMIT}/latest/php8.3/apache"
# The sha256 WP-CLI's release publishes (wp-cli-2.12.0.phar.sha256).
CLI_URL="$GITHUB/wp-cli/wp-cli/releases/download/v${CLI_VERSION}/wp-cli-${CLI_VERSION}.phar"
CLI_SHA256=ce34ddd838f7351d6759068d09793f26755463b4a4610a5a5c0a97b68220d85c

say() { printf 'woocommerce-stack: %s\n' "$*" >&2; }
unavailable() { say "$*"; exit 3; }

tree_digest() { # tree_digest DIR: see the pins above
  (cd "$1" && find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 -r sha256sum --) |
    sha256sum | cut -d' ' -f1
}

check_tree() { # check_tree DIR EXPECTED
  local name actual odd
  name="$(basename "$1")"
  [ -d "$1" ] || { say "$name: missing"; return 1; }
  # Only folders and regular files: a symlink in a tree (outside the digest)
  # could point anywhere on the machine that serves it.
  odd="$(find "$1" ! -type f ! -type d -print -quit)"
  if [ -n "$odd" ]; then
    say "$name: refusing the tree, it holds something that is not a regular file: ${odd#"$1"/}"
    return 1
  fi
  actual="$(tree_digest "$1")"
  if [ "$actual" != "$2" ]; then
    say "$name: tree digest mismatch, expected $2, got $actual; refusing it"
    return 1
  fi
  say "$name: tree digest ok"
}

check_sha256() { # check_sha256 FILE EXPECTED
  local actual
  actual="$(sha256sum "$1" | cut -d' ' -f1)"
  if [ "$actual" != "$2" ]; then
    say "sha256 mismatch for $(basename "$1"): expected $2, got $actual; refusing it"
    return 1
  fi
}

check_trees() { # check_trees STACK_DIR: the four trees both sources share
  check_tree "$1/wordpress-${WP_VERSION}" "$WP_TREE_SHA256" &&
    check_tree "$1/woocommerce-${WC_VERSION}" "$WC_TREE_SHA256" &&
    check_tree "$1/storefront-${SF_VERSION}" "$SF_TREE_SHA256" &&
    check_tree "$1/docker-wordpress-${WP_VERSION}-php8.3-apache" "$DOCKER_WP_TREE_SHA256"
}

offline=0
case "${1:-}" in
  --offline) offline=1 ;;
  --verify)
    [ -n "${2:-}" ] || { say "--verify needs a stack folder"; exit 2; }
    check_trees "$2" || exit 1
    if [ -d "$2/wp-cli-${CLI_VERSION}" ]; then check_tree "$2/wp-cli-${CLI_VERSION}" "$CLI_TREE_SHA256" || exit 1; fi
    exit 0
    ;;
  "") ;;
  *) say "unknown argument $1 (use --offline or --verify DIR)"; exit 2 ;;
esac

dest="${WOOCOMMERCE_STACK_DIR:-$repo/.cache/woocommerce-stack/${WP_VERSION}-${WC_VERSION}}"

is_prepared() {
  [ -f "$1/wordpress-${WP_VERSION}/wp-includes/version.php" ] &&
    [ -f "$1/woocommerce-${WC_VERSION}/woocommerce.php" ] &&
    [ -f "$1/storefront-${SF_VERSION}/style.css" ] &&
    [ -f "$1/docker-wordpress-${WP_VERSION}-php8.3-apache/wp-config-docker.php" ] &&
    [ -x "$1/bin/wp" ] &&
    grep -q "Version: ${WC_VERSION}" "$1/woocommerce-${WC_VERSION}/woocommerce.php"
}

if is_prepared "$dest"; then
  say "using the stack in $dest"
  printf '%s\n' "$dest"
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/woocommerce-stack.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/stack/bin"

archive="${WOOCOMMERCE_STACK_ARCHIVE:-$repo/../shared/fixtures/$ARCHIVE_NAME}"
if [ -f "$archive" ]; then
  command -v zstd >/dev/null 2>&1 || unavailable "zstd is needed to unpack $archive (apt-get install zstd)"
  say "unpacking $archive"
  check_sha256 "$archive" "$ARCHIVE_SHA256" || exit 1
  zstd -dc "$archive" | tar -x -C "$work/stack"
  check_trees "$work/stack" || exit 1
  check_tree "$work/stack/wp-cli-${CLI_VERSION}" "$CLI_TREE_SHA256" || exit 1
  # The fixture carries WP-CLI from source; its proxy script resolves its own path.
  ln -s "../wp-cli-${CLI_VERSION}/vendor/bin/wp" "$work/stack/bin/wp"
elif [ "$offline" = 1 ]; then
  unavailable "no stack: $dest is not prepared and there is no fixture archive at $archive (set WOOCOMMERCE_STACK_DIR or WOOCOMMERCE_STACK_ARCHIVE)"
else
  command -v curl >/dev/null 2>&1 || unavailable "curl is needed to download the stack"
  fetch() { # fetch URL FILE
    say "downloading $1"
    curl -fsSL --retry 3 -o "$work/$2" "$1" || unavailable "cannot download $1"
  }
  unpack() { # unpack TARBALL DIR: GitHub's archive of a commit, without its top folder
    mkdir -p "$2"
    tar -xzf "$1" -C "$2" --strip-components=1 --no-same-owner
  }
  fetch "$WP_CORE_URL" wordpress-core.tar.gz
  unpack "$work/wordpress-core.tar.gz" "$work/stack/wordpress-${WP_VERSION}"
  check_tree "$work/stack/wordpress-${WP_VERSION}" "$WP_TREE_SHA256" || exit 1

  fetch "$WP_EXAMPLE_URL" wordpress-example.tar.gz
  unpack "$work/wordpress-example.tar.gz" "$work/example"
  for part in plugins/woocommerce themes/storefront; do
    [ -d "$work/example/wp-content/$part" ] || { say "$WP_EXAMPLE_URL has no wp-content/$part; refusing it"; exit 1; }
  done
  mv "$work/example/wp-content/plugins/woocommerce" "$work/stack/woocommerce-${WC_VERSION}"
  mv "$work/example/wp-content/themes/storefront" "$work/stack/storefront-${SF_VERSION}"
  check_tree "$work/stack/woocommerce-${WC_VERSION}" "$WC_TREE_SHA256" || exit 1
  check_tree "$work/stack/storefront-${SF_VERSION}" "$SF_TREE_SHA256" || exit 1

  docker_dir="docker-wordpress-${WP_VERSION}-php8.3-apache"
  mkdir -p "$work/stack/$docker_dir"
  for file in wp-config-docker.php docker-entrypoint.sh Dockerfile; do
    fetch "$DOCKER_WP_URL/$file" "stack/$docker_dir/$file"
  done
  check_tree "$work/stack/$docker_dir" "$DOCKER_WP_TREE_SHA256" || exit 1

  fetch "$CLI_URL" wp-cli.phar
  check_sha256 "$work/wp-cli.phar" "$CLI_SHA256" || exit 1
  mkdir -p "$work/stack/wp-cli-${CLI_VERSION}"
  install -m 0755 "$work/wp-cli.phar" "$work/stack/wp-cli-${CLI_VERSION}/wp-cli.phar"
  ln -s "../wp-cli-${CLI_VERSION}/wp-cli.phar" "$work/stack/bin/wp"
fi

is_prepared "$work/stack" || { say "the prepared stack is incomplete (see the layout in shared/fixtures/README.md)"; exit 1; }
mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$work/stack" "$dest"
say "stack ready in $dest"
printf '%s\n' "$dest"
