/**
 * GET /products. Every answer is the same until a product, its price or its stock
 * changes: the rendered answer is kept and made again only when the store's list
 * version moves (another process committed, or this one wrote or sold).
 */
import type { RouteHandler } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { listProductsRoute } from '../../spec/api-routes.js';
import type { ProductListResponse } from '../../spec/api-schemas.js';
import { fromMicros } from '../../spec/money.js';
import type { AppDeps, AppEnv } from '../app-env.js';
import { sendJsonText, toJsonText, type JsonText } from '../json-text.js';

type ProductList = z.input<typeof ProductListResponse>;

export const productsHandler = ({ store }: AppDeps): RouteHandler<typeof listProductsRoute, AppEnv> => {
  let rendered: { version: number; text: JsonText<ProductList> } | undefined;
  return (c) => {
    const version = store.products.listVersion();
    if (rendered?.version !== version) {
      const products = store.products.listProducts().map((p) => ({
        id: p.id,
        name: p.name,
        price: fromMicros(p.price_micros),
        stock: p.stock,
        in_stock: p.stock > 0,
      }));
      rendered = { version, text: toJsonText<ProductList>({ products }) };
    }
    return sendJsonText(c, rendered.text, 200);
  };
};
