// The AI-Market documentation's JavaScript example, unchanged but for BASE and KEY,
// which come from the environment so it can point at the sandbox:
//   BASE=http://127.0.0.1:8080/api/v1 KEY=mk_test_alice node examples/docs-fetch.mjs
const BASE = process.env.BASE ?? 'https://api.ai-market.store/api/v1';
const KEY = process.env.KEY ?? 'mk_your_key';
const headers = { 'X-API-Key': KEY };

const balance = await fetch(`${BASE}/balance`, { headers }).then((r) => r.json());
console.log('balance', balance.balance, balance.currency);

const { products } = await fetch(`${BASE}/products`, { headers }).then((r) => r.json());
console.log('products', products.map((p) => p.id).join(','));

const order = await fetch(`${BASE}/purchase`, {
  method: 'POST',
  headers: { ...headers, 'Content-Type': 'application/json', 'Idempotency-Key': 'order-001' },
  body: JSON.stringify({ product_id: '002', quantity: 1 }),
}).then((r) => r.json());

if (order.success) {
  console.log('order', order.order_id, 'codes', order.codes.join(','));
} else {
  console.error('error', order.code, order.error);
  process.exit(1);
}
