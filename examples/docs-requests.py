# The AI-Market documentation's Python example, unchanged but for BASE and KEY,
# which come from the environment so it can point at the sandbox:
#   BASE=http://127.0.0.1:8080/api/v1 KEY=mk_test_alice python3 examples/docs-requests.py
import os
import sys

import requests

BASE = os.environ.get("BASE", "https://api.ai-market.store/api/v1")
KEY = os.environ.get("KEY", "mk_your_key")
headers = {"X-API-Key": KEY}

balance = requests.get(f"{BASE}/balance", headers=headers).json()
print("balance", balance["balance"], balance["currency"])

products = requests.get(f"{BASE}/products", headers=headers).json()["products"]
print("products", ",".join(p["id"] for p in products))

res = requests.post(
    f"{BASE}/purchase",
    headers={**headers, "Idempotency-Key": "order-001"},
    json={"product_id": "002", "quantity": 1},
).json()
if res.get("success"):
    print("order", res["order_id"], "codes", ",".join(res["codes"]))
else:
    print("error", res.get("code"), res.get("error"), file=sys.stderr)
    sys.exit(1)
