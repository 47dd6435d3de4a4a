#!/usr/bin/env bash
# Build the pinned geth once per machine: tools/geth/build.sh VERSION DIR puts it at DIR/geth.
# A DIR/geth whose `geth version` is VERSION is reused as is (and says so); otherwise Go builds it
# from the module proxy (5-10 minutes on 2 cores, once). The pin itself is GETH_VERSION in
# bpost_client/platform/network/geth.py, which the Makefile reads.
set -euo pipefail
version="$1"
dir="$2"
want="${version#v}"
says_version() {  # the output is read whole first: grep -q ending the pipe early fails it
  local out
  out="$("$1" version 2>/dev/null)" || return 1
  grep -qx "Version: ${want}-stable" <<<"$out"
}
if [ -x "$dir/geth" ] && says_version "$dir/geth"; then
  echo "geth $want cached at $dir/geth"
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "geth $version is built with Go (1.21 or later): install it (https://go.dev/dl/)" >&2
  exit 1
fi
echo "building geth $version into $dir (once per machine; 5-10 minutes on 2 cores)"
mkdir -p "$dir"
staging="$(mktemp -d "$dir/.build.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
# -checklinkname=0: Go 1.23 and later refuse the go:linkname of the memsize package 1.13 carries.
GOBIN="$staging" go install -ldflags=-checklinkname=0 \
  "github.com/ethereum/go-ethereum/cmd/geth@$version"
says_version "$staging/geth" || {
  echo "the geth built does not say version $want" >&2
  exit 1
}
mv "$staging/geth" "$dir/geth"
echo "geth $want built at $dir/geth"
