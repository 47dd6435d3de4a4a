#!/usr/bin/env bash
# Print the path of a chromium that the browser tests can drive (Playwright, headless).
#
#   tools/chromium/ensure.sh
#
# Debian's `chromium` package is installed with apt-get when /usr/bin/chromium is missing (CI runs
# as root on a fresh machine); Playwright's own browser download is never used. BPOST_CHROMIUM
# names another chromium binary to use instead: it must run, and nothing is installed for it.
set -euo pipefail

DEBIAN_CHROMIUM=/usr/bin/chromium

# Whether $1 is an executable whose `--version` names Chromium (or Chrome).
usable() {
  local version
  [ -x "$1" ] || return 1
  version=$("$1" --version 2>/dev/null) || return 1
  case "$version" in
    *Chromium* | *Chrome*) return 0 ;;
    *) return 1 ;;
  esac
}

if [ -n "${BPOST_CHROMIUM:-}" ]; then
  if ! usable "$BPOST_CHROMIUM"; then
    echo "BPOST_CHROMIUM=$BPOST_CHROMIUM does not run as a chromium" \
      "(its --version names neither Chromium nor Chrome)" >&2
    exit 1
  fi
  echo "$BPOST_CHROMIUM"
  exit 0
fi

if ! usable "$DEBIAN_CHROMIUM"; then
  if [ "$(id -u)" != 0 ]; then
    echo "chromium is not installed at $DEBIAN_CHROMIUM and this user cannot install it" \
      "(apt-get needs root): run 'apt-get install chromium' as root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
  if ! usable "$DEBIAN_CHROMIUM"; then
    echo "apt-get installed the chromium package, but $DEBIAN_CHROMIUM does not run" >&2
    exit 1
  fi
fi
echo "$DEBIAN_CHROMIUM"
