#!/usr/bin/env bash
# A bad day, rehearsed against the sandbox: a purchase is committed but its answer never arrives
# (the connection is reset after the commit). The retry with the same Idempotency-Key gets the
# same order back, replayed, and the wallet was charged once.
#   BASE=http://127.0.0.1:8080/api/v1 bash examples/bad-day.sh
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:8080/api/v1}
KEY=${KEY:-mk_test_alice}
MOCK=${BASE%/api/v1}/_mock
ORDER_KEY="bad-day-$(date +%s)-$$"

balance() { curl -s "$BASE/balance" -H "X-API-Key: $KEY" | sed -E 's/.*"balance":([0-9.]+).*/\1/'; }
buy() {
  curl -s -X POST "$BASE/purchase" -H "X-API-Key: $KEY" -H "Content-Type: application/json" \
    -H "Idempotency-Key: $ORDER_KEY" -d '{"product_id":"002","quantity":1}' "$@"
}
order_id() { sed -nE 's/.*"order_id":"([^"]+)".*/\1/p' | head -n 1; }

before=$(balance)
echo "balance before: $before USDT"

# 1. The next purchase is carried out and committed, then the connection is reset instead of the answer.
curl -s -X POST "$MOCK/faults" -H "Content-Type: application/json" \
  -d '{"kind":"after_commit_reset","operation":"purchase","times":1}' -o /dev/null

# 2. Buy: curl gets no answer (exit code 56, "Connection reset by peer").
code=0
buy -o /dev/null || code=$?
if [ "$code" -eq 0 ]; then echo "expected the connection to be reset"; exit 1; fi
echo "first try: no answer (curl exit code $code)"

# 3. Retry with the same Idempotency-Key: the order that was committed, replayed; nothing charged again.
answer=$(buy -i)
replayed=$(grep -ci '^idempotent-replayed: true' <<<"$answer" || true)
retried=$(order_id <<<"$answer")
echo "retry: order $retried, replayed: $([ "$replayed" -eq 1 ] && echo yes || echo no)"

# 4. The journal saw both: the lost answer (status 0, the fault) and the replay, with the same order.
lost=$(curl -s "$MOCK/journal?idempotency_key=$ORDER_KEY&status=0" | order_id)
echo "journal: the lost answer was order $lost"

after=$(balance)
spent=$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f", a - b }')
echo "balance after: $after USDT (spent $spent: charged once)"

[ "$replayed" -eq 1 ] && [ -n "$retried" ] && [ "$retried" = "$lost" ] && [ "$spent" = "5.00" ] || { echo "FAILED"; exit 1; }
echo "OK: same order, charged once"
