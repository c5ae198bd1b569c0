#!/usr/bin/env bash
# pack-test: what a user who never clones the repository gets. Packs the package (npm pack, whose
# prepare builds dist/), installs the tarball into an empty folder (nothing is compiled there:
# better-sqlite3 ships a prebuilt binary and dist/ is in the tarball), then through npx:
#   --help is a clear screen (exit 0); `serve` answers /health and a balance call; `contract
#   --base-url` passes against it (exit 0, summary, JUnit path) and fails against a dead URL
#   (exit 1); wrong flags get one line on stderr and exit 2; SIGTERM stops the server cleanly;
#   the README's vitest example (startSandbox) typechecks and passes against the installed package;
#   the dashboard and the API docs are served with their scripts.
# Runs on the first node on PATH (Node 22 or newer, as the package's engines say; CI puts 24 there).
# Every wait is bounded. env: KEEP_PACK_DIR=1 keeps the temporary folder for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TMP=$(mktemp -d)
APP=$TMP/app
SERVER_PID=

# shellcheck source=lib/steps.sh
. "$ROOT/scripts/lib/steps.sh"

cleanup() {
  local code=$?
  # The server runs in its own process group (setsid): npx, its shell and node go together.
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL -- "-$SERVER_PID" 2>/dev/null || true; fi
  if [ "${KEEP_PACK_DIR:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# cli EXPECTED_CODE TIMEOUT_S ARGS...: run `npx ai-market-sandbox ARGS` in the install folder,
# output in $TMP/out and $TMP/err; fails unless the exit code is EXPECTED_CODE.
cli() {
  local expected=$1 limit=$2 code=0; shift 2
  (cd "$APP" && timeout "$limit" npx --no-install ai-market-sandbox "$@" >"$TMP/out" 2>"$TMP/err.all") || code=$?
  # npm's own warnings about this machine's npmrc are not the tool's output.
  grep -v '^npm warn' "$TMP/err.all" >"$TMP/err" || true
  if [ "$code" != "$expected" ]; then
    echo "--- stdout"; tail -30 "$TMP/out"; echo "--- stderr"; tail -30 "$TMP/err"
    fail "'ai-market-sandbox $*' exited $code, expected $expected"
  fi
}

# one_line_error ARGS...: exit code 2 and exactly one line on stderr.
one_line_error() {
  cli 2 30 "$@"
  local lines
  lines=$(grep -c . "$TMP/err" || true)
  [ "$lines" = 1 ] || { cat "$TMP/err"; fail "'$*': expected one line on stderr, got $lines"; }
  echo "   $* -> exit 2: $(cat "$TMP/err")"
}

# ---- pack ----
step "npm pack (prepare builds dist/)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
echo "   node $(node --version), npm $(npm --version)"
[ "$node_major" -ge 22 ] || fail "node $(node --version) is too old: the package needs Node 22 or newer (put Node 24 first on PATH)"
npm pack --pack-destination "$TMP" --silent >"$TMP/pack.log" 2>&1 || { tail -40 "$TMP/pack.log"; fail "npm pack failed"; }
TGZ=$(ls "$TMP"/*.tgz 2>/dev/null | head -1)
[ -n "$TGZ" ] && [ -f "$TGZ" ] || { tail -40 "$TMP/pack.log"; fail "npm pack produced no tarball"; }
tar -tzf "$TGZ" >"$TMP/contents"
for f in package/dist/cli/main.js package/dist/server/index.js package/dist/server/index.d.ts package/fixtures/default.json package/spec/openapi.yaml package/contract-tests/vitest.config.ts; do
  grep -qx "$f" "$TMP/contents" || fail "the tarball lacks $f"
done
echo "   $(basename "$TGZ"): $(wc -l <"$TMP/contents") files, $(du -k "$TGZ" | cut -f1) kB"
took

# ---- install into an empty folder ----
step "npm install the tarball into an empty folder (nothing to compile)"
mkdir -p "$APP"
(cd "$APP" && echo '{ "name": "pack-test-consumer", "private": true }' >package.json \
  && timeout 600 npm install --no-audit --no-fund --loglevel=error "$TGZ" >"$TMP/install.log" 2>&1) \
  || { tail -40 "$TMP/install.log"; fail "npm install of the tarball failed"; }
[ -x "$APP/node_modules/.bin/ai-market-sandbox" ] || fail "no ai-market-sandbox bin after install"
T_INSTALL=$(($(ms) - step_start))
took

# ---- the package as a library ----
step "the README's vitest example against the installed package (import { startSandbox } from 'ai-market-sandbox')"
cp "$ROOT/examples/vitest-sandbox.test.ts" "$APP/"
# Typechecked against the installed declarations (dist/server/index.d.ts), with the repository's tsc.
(cd "$APP" && timeout 120 "$ROOT/node_modules/.bin/tsc" --noEmit --strict --skipLibCheck --target es2022 \
  --module nodenext --moduleResolution nodenext --typeRoots "$ROOT/node_modules/@types" --types node vitest-sandbox.test.ts \
  >"$TMP/example-tsc.log" 2>&1) || { cat "$TMP/example-tsc.log"; fail "the example does not typecheck against the installed package"; }
(cd "$APP" && timeout 300 node node_modules/vitest/vitest.mjs run vitest-sandbox.test.ts >"$TMP/example.log" 2>&1) \
  || { tail -40 "$TMP/example.log"; fail "the example failed against the installed package"; }
sed 's/\x1b\[[0-9;]*m//g' "$TMP/example.log" | grep -E 'Tests +[0-9]+ passed' | sed 's/^ */   /'
took

# ---- --help ----
step "npx ai-market-sandbox --help"
cli 0 30 --help
sed 's/^/   | /' "$TMP/out"
for word in serve contract --port --db --fixtures --control-token --base-url; do
  grep -q -- "$word" "$TMP/out" || fail "--help does not mention $word"
done
[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "--help wrote to stderr"; }
took

# ---- wrong flags ----
step "wrong flags and values: one line, exit code 2"
one_line_error serve --no-such-flag
one_line_error serve --port not-a-port
one_line_error contract --base-url not-a-url
one_line_error contract --base-url http://127.0.0.1:1 --no-such-flag
one_line_error no-such-command
took

# ---- serve ----
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
step "npx ai-market-sandbox serve --port $PORT --db :memory:"
t0=$(ms)
(cd "$APP" && exec setsid npx --no-install ai-market-sandbox serve --port "$PORT" --db :memory: >"$TMP/server.log" 2>&1) &
SERVER_PID=$!
deadline=$(($(ms) + 30000))
until curl -fsS -o /dev/null --max-time 1 "$BASE/health" 2>/dev/null; do
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log"; fail "serve exited before answering /health"; }
  [ "$(ms)" -lt "$deadline" ] || { cat "$TMP/server.log"; fail "no 200 from /health within 30 s"; }
  sleep 0.05
done
echo "   first 200 from /health after $(($(ms) - t0)) ms (npx start included)"
sed 's/^/   | /' "$TMP/server.log"
health=$(curl -fsS --max-time 5 "$BASE/health")
echo "   /health: $health"
node -e 'const h=JSON.parse(process.argv[1]); if (h.status!=="ok"||h.version!==process.argv[2]) process.exit(1)' "$health" \
  "$(node -p 'require(process.argv[1]).version' "$ROOT/package.json")" || fail "/health is not {status:'ok', version}"
balance=$(curl -fsS --max-time 5 "$BASE/api/v1/balance" -H 'X-API-Key: mk_test_alice') || fail "balance call failed"
echo "   /api/v1/balance (mk_test_alice): $balance"
[ "$(node -p 'JSON.parse(process.argv[1]).balance' "$balance")" = 100 ] || fail "expected the fixture balance of 100"
# The pages' files come from the installed package: the dashboard's client from dist/, Swagger UI from swagger-ui-dist.
check_pages "$BASE" "the installed package"
took

# ---- contract ----
step "npx ai-market-sandbox contract --base-url $BASE"
cli 0 300 contract --base-url "$BASE" --junit "$TMP/contract-junit.xml"
tail -25 "$TMP/out" | sed 's/^/   | /'
grep -q "JUnit report: $TMP/contract-junit.xml" "$TMP/out" || fail "the JUnit path is not printed"
grep -Eq '^cases +[1-9][0-9]* passed, 0 failed' "$TMP/out" || fail "no summary line 'cases N passed, 0 failed'"
[ -s "$TMP/contract-junit.xml" ] || fail "no JUnit file at $TMP/contract-junit.xml"
grep -q '<testsuites' "$TMP/contract-junit.xml" || fail "the JUnit file is not JUnit XML"
T_CONTRACT=$(($(ms) - step_start))
took

step "contract against a URL where nothing listens: exit code 1"
cli 1 300 contract --base-url "http://127.0.0.1:$(free_port)" --junit "$TMP/dead-junit.xml"
echo "   exit 1: $(sed 's/\x1b\[[0-9;]*m//g' "$TMP/err" | grep -m1 -vE '^\s*$' || true)"
grep -q "cannot reach" "$TMP/err" || fail "the error does not say the server cannot be reached"
took

# ---- stop ----
# SIGTERM to the server's node process alone, as `docker stop` or a process manager would send it;
# npx then exits with the server's code.
step "SIGTERM to the server"
node_pid=$(ps -o pid=,args= -s "$SERVER_PID" | awk '$2 ~ /(^|\/)node$/ && / serve / { print $1; exit }')
[ -n "$node_pid" ] || { ps -o pid=,args= -s "$SERVER_PID"; fail "cannot find the server's node process"; }
t0=$(ms)
kill -TERM "$node_pid"
for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.05; done
kill -0 "$SERVER_PID" 2>/dev/null && fail "server still running 5 s after SIGTERM"
code=0; wait "$SERVER_PID" || code=$?
SERVER_PID=
echo "   stopped in $(($(ms) - t0)) ms, exit code $code"
grep -q 'Stopped cleanly' "$TMP/server.log" || { cat "$TMP/server.log"; fail "no 'Stopped cleanly' after SIGTERM"; }
[ "$code" = 0 ] || fail "exit code $code after SIGTERM (expected 0)"
took

echo
echo "pack test passed: install ${T_INSTALL} ms, contract ${T_CONTRACT} ms, total $(($(ms) - T_ALL)) ms"
