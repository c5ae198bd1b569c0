import { check, expectAmount, expectAnswer } from '../lib/assertions.js';
import type { ContractCase } from '../lib/contract-case.js';

export const productsCases: readonly ContractCase[] = [
  {
    id: 'products.ok',
    title: 'GET /products lists price, stock and in_stock = stock > 0',
    covers: [{ operation: 'listProducts', status: 200 }],
    requests: 1,
    run: async (kit) => {
      let api = kit.api;
      let made: { id: string; price: number; stock: number }[] = [];
      if (kit.mock) {
        api = (await kit.mock.account('0')).api;
        made = [await kit.mock.product('0.1', 3), await kit.mock.product('2.5', 0), await kit.mock.product('1234.567891', 1)];
      }
      const res = await api.listProducts();
      const { products } = expectAnswer(res, 200);
      const ids = new Set<string>();
      for (const p of products) {
        check(p.in_stock === p.stock > 0, `product ${p.id}: in_stock is ${p.in_stock} but stock is ${p.stock}`, res);
        check(!ids.has(p.id), `product id ${p.id} is listed twice`, res);
        ids.add(p.id);
      }
      for (const expected of made) {
        const listed = products.find((p) => p.id === expected.id);
        check(listed, `product ${expected.id} (made through the control API) is missing from GET /products`, res);
        expectAmount(listed.price, expected.price, `price of ${expected.id}`, 'as set through the control API', res);
        check(listed.stock === expected.stock, `stock of ${expected.id}: expected ${expected.stock}, got ${listed.stock}`, res);
      }
    },
  },
];
