#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there: the wasm target,
# wasm-bindgen-cli at the exact version of Cargo.lock, wasm-pack, npm packages, and (with
# --browsers / --redis) Debian's Chromium + chromedriver and redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1; }
step() { printf '\n== setup: %s\n' "$*"; }

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

[ -f Cargo.lock ] || cargo generate-lockfile
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! (have wasm-bindgen && wasm-bindgen --version | grep -qx "wasm-bindgen $wb_version"); then
  step "cargo install wasm-bindgen-cli $wb_version (matches Cargo.lock; a few minutes)"
  cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

if ! have wasm-pack; then
  step "cargo install wasm-pack 0.15.1 (a few minutes)"
  cargo install wasm-pack --version 0.15.1
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
fi

apt_packages=()
for arg in "$@"; do
  case "$arg" in
    --browsers)
      have chromium || apt_packages+=(chromium)
      have chromedriver || apt_packages+=(chromium-driver)
      ;;
    --redis)
      have redis-server || apt_packages+=(redis-server)
      ;;
  esac
done
if [ ${#apt_packages[@]} -gt 0 ]; then
  step "apt-get install ${apt_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi
