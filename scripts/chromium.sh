#!/usr/bin/env bash
# Installs Debian's chromium (/usr/bin/chromium) for test/browser.test.ts, if it is not there yet.
# Idempotent: does nothing when /usr/bin/chromium runs. Never downloads a browser any other way
# (test tools' own browser downloads fail on this network). Needs root or sudo for apt-get.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ] && "$CHROMIUM" --version >/dev/null 2>&1; then
  echo "chromium: $("$CHROMIUM" --version)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "scripts/chromium.sh: need root (or sudo) to apt-get install chromium" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# apt-get update only if the package lists do not know chromium yet (a fresh image has empty lists).
if ! apt-cache show chromium >/dev/null 2>&1; then
  $SUDO apt-get update
fi
# Stale lists name versions the mirror no longer has: refresh them once and try again.
$SUDO apt-get install -y chromium || { $SUDO apt-get update && $SUDO apt-get install -y chromium; }

if ! "$CHROMIUM" --version >/dev/null 2>&1; then
  echo "scripts/chromium.sh: $CHROMIUM is not runnable after the install" >&2
  exit 1
fi
echo "chromium: $("$CHROMIUM" --version)"
