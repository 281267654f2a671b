#!/usr/bin/env bash
# Installs what the test suites need on a Debian machine that has Go, Node and
# apt. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Browser suites (extension and dashboard) drive Debian's Chromium.
if [ -d tests/browser ] || [ -f extension/package.json ]; then
  apt_install chromium
fi

# The models', API and cross-package suites run on PostgreSQL too: they start
# a throwaway cluster with Debian's server binaries (initdb, postgres) in a
# temporary directory on a free port (internal/pgtest). Only the binaries are
# needed; no system cluster is used. VEGA_TEST_POSTGRES=off skips those runs.
if [ "${VEGA_TEST_POSTGRES:-}" != off ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt_install postgresql
fi

# Node packages for the extension's tests.
if [ -f extension/package.json ]; then
  (cd extension && npm ci --no-audit --no-fund)
fi

go mod download
