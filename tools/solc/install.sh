#!/usr/bin/env bash
# Put the solc-js wrapper where py-solc-x looks for installed compilers:
# $SOLCX_BINARY_PATH/solc-v<version>. Refuses when node_modules holds another solc version.
set -euo pipefail
version="$1"
target_dir="$2"
here="$(cd "$(dirname "$0")" && pwd)"
installed="$(node -e 'console.log(require("solc/package.json").version)' 2>/dev/null || true)"
if [ "$installed" != "$version" ]; then
  echo "solc-js $version expected in node_modules, found '${installed:-none}': run npm ci" >&2
  exit 1
fi
mkdir -p "$target_dir"
cat > "$target_dir/solc-v$version" <<SH
#!/bin/sh
exec node "$here/solc.js" "\$@"
SH
chmod +x "$target_dir/solc-v$version"
"$target_dir/solc-v$version" --version | grep -q "Version: $version+commit" || {
  echo "the solc wrapper did not answer --version" >&2
  exit 1
}
echo "solc $version (solc-js) installed at $target_dir/solc-v$version"
