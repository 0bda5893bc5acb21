#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests, unless it is there already. Tests drive it with
# playwright-core at /usr/bin/chromium; no browser is downloaded by npm.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium.sh: /usr/bin/chromium is missing; install it as root: apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium || { apt-get update && apt-get install -y --no-install-recommends chromium; }
/usr/bin/chromium --version
