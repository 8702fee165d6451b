#!/usr/bin/env bash
# Installs the Debian 12 packages the project builds and tests with.
# Idempotent: packages already present are not reinstalled; apt-get runs only
# when something is missing. Must run as root (or with sudo available).
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build ccache pkg-config
  antlr4 default-jre-headless libantlr4-runtime-dev
  libfmt-dev doctest-dev libsimdjson-dev libre2-dev libxxhash-dev zlib1g-dev
  # make fuzz / fuzz-smoke: clang only recommends its libFuzzer and ASan
  # runtimes (libclang-rt-14-dev); llvm gives llvm-symbolizer for crash stacks.
  clang libclang-rt-14-dev llvm
  llvm-16-dev libzstd-dev
)
# The ingest prefilter scans raw bytes with Hyperscan, packaged for x86-64
# only; elsewhere the build falls back to per-literal searchers.
if [ "$(dpkg --print-architecture 2>/dev/null)" = "amd64" ]; then
  PKGS+=(libhyperscan-dev)
fi
if [ "${RDL_NO_JIT:-0}" = "1" ]; then
  PKGS=("${PKGS[@]/llvm-16-dev}"); PKGS=("${PKGS[@]/libzstd-dev}")
fi

missing=()
for p in "${PKGS[@]}"; do
  [ -z "$p" ] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
