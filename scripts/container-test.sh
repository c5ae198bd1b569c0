#!/usr/bin/env bash
# container-test: build the Docker image with podman and use it the way a team would:
#   1. build it (--pull=never: the base image is local) and measure its size;
#   2. run it with a named volume on /data and time the cold start (run -> first 200 from /health);
#   3. check HEALTHCHECK, the non-root user, that no compiler is in the image (better-sqlite3 is
#      prebuilt), the startup banner (base URL, sandbox key, dashboard), and that /docs, /_mock/ui and
#      every file they load answer 200 from the container;
#   4. run the contract suite from this checkout against the container's URL, and once more with the
#      contract command the image ships (podman exec);
#   5. buy product 002 as mk_test_alice, restart the container on the same volume, and check the
#      balance and the order are still there (an idempotent retry replays the stored order);
#   6. stop it (SIGTERM) and check it exits 0 within a few seconds;
#   7. start a second container with a mounted custom fixture and a control token.
# Skips (exit 0, with the reason) when podman cannot be set up; REQUIRE_CONTAINER=1 makes that a failure.
#
# env: PODMAN_SETUP (a script printing export lines for podman's settings; without it, podman as installed),
#      IMAGE_TAG (default ai-market-sandbox:test), KEEP_IMAGE=0 to remove the image afterwards,
#      SKIP_CONTRACT=1 to leave out step 4.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TAG=${IMAGE_TAG:-ai-market-sandbox:test}
RUN_ID=ams-test-$$
NAME=$RUN_ID
NAME2=$RUN_ID-fixture
VOLUME=$RUN_ID-data
WORK=$(mktemp -d)
STOP_LIMIT_S=5
cleanup() {
  local code=$?
  if [ "${PODMAN_READY:-0}" = 1 ]; then
    podman rm -f -v -t 0 "$NAME" "$NAME2" >/dev/null 2>&1 || true
    podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
    if [ "${KEEP_IMAGE:-1}" = 0 ]; then podman rmi -f "$TAG" >/dev/null 2>&1 || true; fi
  fi
  rm -rf "$WORK"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=lib/steps.sh
. "$ROOT/scripts/lib/steps.sh"
skip() {
  if [ "${REQUIRE_CONTAINER:-0}" = 1 ]; then fail "container test cannot run: $* (REQUIRE_CONTAINER=1)"; fi
  echo "SKIP container test: $*"
  exit 0
}

# ---- podman ----
step "podman setup"
# shellcheck source=lib/podman.sh
. "$ROOT/scripts/lib/podman.sh"
find_podman_setup "$ROOT" "$WORK/setup.log"
# Builds use --pull=never (there may be no registry): the base image must be in podman's store already.
BASE_IMAGE=$(sed -n 's/^FROM \([^ ]*\).*/\1/p' Dockerfile | head -1)
podman image exists "$BASE_IMAGE" || skip "the base image $BASE_IMAGE is not in podman's store (builds use --pull=never); pull it, or set PODMAN_SETUP to a script that provides it"
echo "   base image $BASE_IMAGE is there"
took


# wait_health NAME URL: poll /health every 50 ms for up to 30 s; fail early if the container died.
wait_health() {
  local name=$1 url=$2 deadline=$(($(ms) + 30000))
  until curl -fsS -o /dev/null --max-time 1 "$url/health" 2>/dev/null; do
    if [ "$(podman inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" != true ]; then
      podman logs "$name" 2>&1 | tail -20 >&2; fail "$name exited before answering /health"
    fi
    [ "$(ms)" -lt "$deadline" ] || { podman logs "$name" 2>&1 | tail -20 >&2; fail "$name: no 200 from /health within 30 s"; }
    sleep 0.05
  done
}

# stop_checked NAME: SIGTERM via podman stop, expect exit code 0 within STOP_LIMIT_S seconds.
stop_checked() {
  local name=$1 t0 elapsed code
  t0=$(ms)
  podman stop -t 10 "$name" >/dev/null
  elapsed=$(($(ms) - t0))
  code=$(podman inspect -f '{{.State.ExitCode}}' "$name")
  echo "   stopped in ${elapsed} ms, exit code $code"
  [ "$code" = 0 ] || { podman logs "$name" 2>&1 | tail -10 >&2; fail "exit code $code after SIGTERM (expected 0)"; }
  [ "$elapsed" -le $((STOP_LIMIT_S * 1000)) ] || fail "took ${elapsed} ms to stop (limit ${STOP_LIMIT_S} s)"
  logs_have "$name" 'Stopped cleanly' || fail "no 'Stopped cleanly' in the log after SIGTERM"
}

# logs_have NAME TEXT: the container's log mentions TEXT. (Not `podman logs | grep -q`: with pipefail,
# grep quitting early makes podman logs die of SIGPIPE and the check fail at random.)
logs_have() { podman logs "$1" >"$WORK/logs.txt" 2>&1; grep -q -- "$2" "$WORK/logs.txt"; }

# json FILE EXPR: evaluate a JS expression over the parsed JSON in FILE (as `b`).
json() { node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(eval(process.argv[2]))' "$1" "$2"; }

# api METHOD PATH OUT [curl args...]: call the container; prints the HTTP status.
api() {
  local method=$1 path=$2 out=$3; shift 3
  curl -sS --max-time 10 -o "$out" -w '%{http_code}' -X "$method" "$BASE$path" "$@"
}

# ---- 1. build ----
step "build $TAG"
podman build --pull=never -t "$TAG" . >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; fail "podman build failed"; }
T_BUILD=$(($(ms) - step_start))
SIZE_MB=$(podman image inspect -f '{{.Size}}' "$TAG" | awk '{printf "%.0f", $1/1e6}')
echo "   image size: ${SIZE_MB} MB"
took

# ---- 2. cold start ----
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
step "cold start: run with volume $VOLUME on $BASE"
podman volume create "$VOLUME" >/dev/null
t0=$(ms)
podman run -d --name "$NAME" -p "127.0.0.1:$PORT:8080" -v "$VOLUME:/data" "$TAG" >/dev/null
wait_health "$NAME" "$BASE"
T_COLD=$(($(ms) - t0))
echo "   cold start (podman run -> first 200 from /health): ${T_COLD} ms"

# ---- 3. what a user sees ----
step "healthcheck, user, no compiler, banner"
podman healthcheck run "$NAME" >/dev/null 2>&1 || fail "HEALTHCHECK reports unhealthy"
echo "   HEALTHCHECK: healthy"
uid=$(podman exec "$NAME" id -u)
[ "$uid" != 0 ] || fail "the server runs as root"
echo "   runs as uid $uid"
tools=$(podman exec "$NAME" sh -c 'for t in cc gcc g++ make python3; do command -v "$t" || true; done')
[ -z "$tools" ] || fail "build tools in the image: $(echo $tools)"
echo "   no compiler, make or python3 in the image"
podman logs "$NAME" >"$WORK/banner.log" 2>&1
sed 's/^/   | /' "$WORK/banner.log"
grep -q 'API base URL: *http://127.0.0.1:8080/api/v1' "$WORK/banner.log" || fail "banner does not give the base URL"
grep -q 'Sandbox key: *mk_test_' "$WORK/banner.log" || fail "banner does not give a sandbox key"
grep -q 'Database: */data/sandbox.sqlite' "$WORK/banner.log" || fail "database is not in /data"
grep -qi 'control API.*WITHOUT a token' "$WORK/banner.log" || fail "no warning that the control API is open"
grep -q 'Dashboard: *http://127.0.0.1:8080/_mock/ui' "$WORK/banner.log" || fail "banner does not give the dashboard"
# The image serves the pages and all they load itself: they work with no internet.
check_pages "$BASE" "the container"
took

# ---- 4. contract suite against the container ----
if [ "${SKIP_CONTRACT:-0}" = 1 ]; then
  echo; echo "== contract suite: skipped (SKIP_CONTRACT=1)"; T_CONTRACT=skipped
else
  step "contract suite against $BASE (npm run test:contract)"
  # The suite's self-tests judge the suite, not the server; npm test runs them.
  AI_MARKET_BASE_URL=$BASE AI_MARKET_SKIP_SELF_TESTS=1 npm run --silent test:contract || fail "contract suite failed against the container"
  T_CONTRACT=$(($(ms) - step_start))
  took
  # The same suite as the image ships it (a CI job can run it from the image, without a checkout):
  # read-only /app, non-root user, default JUnit path.
  step "contract command inside the image (ai-market-sandbox contract)"
  podman exec "$NAME" node dist/cli/main.js contract --base-url http://127.0.0.1:8080 >"$WORK/in-image.log" 2>&1 \
    || { tail -40 "$WORK/in-image.log" >&2; fail "the image's contract command failed"; }
  grep -E '^cases |^JUnit report' "$WORK/in-image.log" | sed 's/^/   /'
  grep -q '^JUnit report: /app/reports/contract-junit.xml' "$WORK/in-image.log" || fail "the image's contract command wrote no JUnit report"
  took
fi

# ---- 5. state survives a restart ----
step "purchase, restart on the same volume, state kept"
# The suite may have left any state behind: start from the fixture.
[ "$(api POST /_mock/reset "$WORK/reset.json")" = 200 ] || fail "reset failed: $(cat "$WORK/reset.json")"
IDEM=container-test-$RUN_ID
purchase() {
  api POST /api/v1/purchase "$1" -H 'X-API-Key: mk_test_alice' -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $IDEM" -D "$1.headers" -d '{"product_id":"002","quantity":1}'
}
status=$(purchase "$WORK/order.json")
[ "$status" = 200 ] || fail "purchase answered $status: $(cat "$WORK/order.json")"
ORDER_ID=$(json "$WORK/order.json" 'b.order_id')
CODE=$(json "$WORK/order.json" 'b.codes[0]')
[ "$(api GET /api/v1/balance "$WORK/balance1.json" -H 'X-API-Key: mk_test_alice')" = 200 ] || fail "balance failed"
BALANCE=$(json "$WORK/balance1.json" 'b.balance')
echo "   order $ORDER_ID (code $CODE), balance now $BALANCE USDT"
[ "$BALANCE" = 95 ] || fail "expected 100 - 5 = 95 USDT after buying 002, got $BALANCE"
stop_checked "$NAME"
t0=$(ms)
podman start "$NAME" >/dev/null
wait_health "$NAME" "$BASE"
echo "   warm start (podman start -> first 200): $(($(ms) - t0)) ms"
logs_have "$NAME" 'existing state kept' || fail "after the restart the banner does not say the state was kept"
[ "$(api GET /api/v1/balance "$WORK/balance2.json" -H 'X-API-Key: mk_test_alice')" = 200 ] || fail "balance after restart failed"
[ "$(json "$WORK/balance2.json" 'b.balance')" = "$BALANCE" ] || fail "balance after restart is $(json "$WORK/balance2.json" 'b.balance'), expected $BALANCE"
[ "$(api GET /_mock/state "$WORK/state.json")" = 200 ] || fail "GET /_mock/state failed"
[ "$(json "$WORK/state.json" "b.orders.some(o => JSON.stringify(o).includes('$ORDER_ID'))")" = true ] || fail "order $ORDER_ID is missing from /_mock/state after the restart"
status=$(purchase "$WORK/replay.json")
[ "$status" = 200 ] || fail "idempotent retry after restart answered $status"
cmp -s "$WORK/order.json" "$WORK/replay.json" || fail "idempotent retry after restart did not replay the stored order"
grep -qi '^Idempotent-Replayed: true' "$WORK/replay.json.headers" || fail "retry after restart was not marked Idempotent-Replayed"
[ "$(api GET /api/v1/balance "$WORK/balance3.json" -H 'X-API-Key: mk_test_alice')" = 200 ] || fail "balance failed"
[ "$(json "$WORK/balance3.json" 'b.balance')" = "$BALANCE" ] || fail "the retry after restart charged again"
echo "   after restart: balance $BALANCE USDT, order $ORDER_ID in the state, retry replays it without a charge"
took

# ---- 6. clean stop ----
step "stop (SIGTERM)"
stop_checked "$NAME"
took

# ---- 7. configuration from the environment: custom fixture, control token ----
step "custom fixture (mounted) and control token"
node -e '
  const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  f.description = "container-test: a custom fixture";
  f.accounts.push({ id: "ci", balance: "42.5", status: "active", keys: [{ key: "mk_test_ci_custom" }] });
  require("fs").writeFileSync(process.argv[2], JSON.stringify(f));
' fixtures/default.json "$WORK/custom.json"
chmod 644 "$WORK/custom.json"
PORT2=$(free_port)
BASE=http://127.0.0.1:$PORT2
podman run -d --name "$NAME2" -p "127.0.0.1:$PORT2:8080" \
  -v "$WORK/custom.json:/fixtures/custom.json:ro" \
  -e AI_MARKET_MOCK_FIXTURES=/fixtures/custom.json -e AI_MARKET_MOCK_DB=:memory: \
  -e AI_MARKET_MOCK_CONTROL_TOKEN=ci-secret "$TAG" >/dev/null
wait_health "$NAME2" "$BASE"
[ "$(api GET /api/v1/balance "$WORK/b.json" -H 'X-API-Key: mk_test_ci_custom')" = 200 ] || fail "the custom fixture's key does not work: $(cat "$WORK/b.json")"
[ "$(json "$WORK/b.json" 'b.balance')" = 42.5 ] || fail "custom fixture balance: $(cat "$WORK/b.json")"
[ "$(api GET /_mock/state "$WORK/s.json")" = 401 ] || fail "control API answered without the token"
[ "$(api GET /_mock/state "$WORK/s.json" -H 'Authorization: Bearer ci-secret')" = 200 ] || fail "control API refused the right token"
logs_have "$NAME2" 'locked with a bearer token' || fail "banner does not say the control API is locked"
echo "   custom fixture key works (42.5 USDT); control API 401 without the token, 200 with it"
stop_checked "$NAME2"
took

echo
echo "container test passed: image ${SIZE_MB} MB, build ${T_BUILD} ms, cold start ${T_COLD} ms, contract suite ${T_CONTRACT} ms, total $(($(ms) - T_ALL)) ms"
