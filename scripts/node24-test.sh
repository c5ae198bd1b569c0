#!/usr/bin/env bash
# node24-test: the unit, integration and contract tests on Node 24 (the current LTS, the image's
# Node), in a throwaway node:24-bookworm-slim container, since this machine runs Node 20.
# better-sqlite3 differs between the two (see server/db/sqlite-driver.ts), so both must be tested.
# Skips (exit 0, with the reason) when podman cannot be set up; REQUIRE_CONTAINER=1 makes that a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
start=$(date +%s)

# shellcheck source=lib/steps.sh
. "$ROOT/scripts/lib/steps.sh"
skip() {
  if [ "${REQUIRE_CONTAINER:-0}" = 1 ]; then fail "Node 24 test cannot run: $* (REQUIRE_CONTAINER=1)"; fi
  echo "SKIP Node 24 test: $*"
  exit 0
}

# shellcheck source=lib/podman.sh
. "$ROOT/scripts/lib/podman.sh"
find_podman_setup "$ROOT" "$WORK/setup.log"

# The tracked files as they are in the working tree; node_modules is installed inside, for Node 24.
mkdir "$WORK/src"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$WORK/src"

cat >"$WORK/run.sh" <<'INNER'
set -euo pipefail
# better-sqlite3 12 (for Node 20) still builds from source at npm ci; 13 ships prebuilt binaries.
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends python3 make g++ curl >/dev/null
cd /src
npm ci --no-audit --no-fund --loglevel=error
echo "node $(node --version)"
npx vitest run
npm run test:contract
INNER

podman run --rm --pull=never -v "$WORK/src:/src" -v "$WORK/run.sh:/run.sh:ro" node:24-bookworm-slim bash /run.sh
echo "Node 24 test passed in $(($(date +%s) - start)) s"
