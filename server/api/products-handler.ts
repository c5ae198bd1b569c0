import type { RouteHandler } from '@hono/zod-openapi';
import type { listProductsRoute } from '../../spec/api-routes.js';
import { fromMicros } from '../../spec/money.js';
import type { AppDeps, AppEnv } from '../app-env.js';

export const productsHandler =
  ({ store }: AppDeps): RouteHandler<typeof listProductsRoute, AppEnv> =>
  (c) => {
    const products = store.products.listProducts().map((p) => ({
      id: p.id,
      name: p.name,
      price: fromMicros(p.price_micros),
      stock: p.stock,
      in_stock: p.stock > 0,
    }));
    return c.json({ products }, 200);
  };
