#!/usr/bin/env bash
# ensure-chromium: makes sure the browser tests (process-tests/) have a Chromium to drive.
# Installs Debian's `chromium` package with apt-get when /usr/bin/chromium is missing; does
# nothing when it is there (idempotent). Non-interactive. Needs root (or passwordless sudo)
# and a Debian or Ubuntu system; elsewhere it says so and exits 1.
# env: CHROMIUM_PATH (default /usr/bin/chromium) is the browser the tests use.
set -euo pipefail

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ]; then
  echo "ensure-chromium: $CHROMIUM is there ($("$CHROMIUM" --version 2>/dev/null | head -1 || echo 'version unknown'))"
  exit 0
fi
if [ "$CHROMIUM" != /usr/bin/chromium ]; then
  echo "ensure-chromium: CHROMIUM_PATH=$CHROMIUM does not exist; unset it to install Debian's chromium" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: no apt-get here: install Chromium yourself and set CHROMIUM_PATH" >&2
  exit 1
fi

SUDO=
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "ensure-chromium: installing chromium needs root (or passwordless sudo)" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-chromium: installing Debian's chromium with apt-get"
# Another apt run (unattended upgrades) may hold the lock for a while: wait for it, boundedly.
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -q
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends chromium fonts-dejavu-core
[ -x "$CHROMIUM" ] || { echo "ensure-chromium: apt-get finished but $CHROMIUM is missing" >&2; exit 1; }
echo "ensure-chromium: installed $("$CHROMIUM" --version 2>/dev/null | head -1)"
