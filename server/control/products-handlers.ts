/** Control API: products, prices, stock and codes. */
import type { RouteHandler } from '@hono/zod-openapi';
import type { addCodesRoute, putProductRoute } from '../../spec/control-routes.js';
import { toMicros } from '../../spec/money.js';
import type { AppDeps } from '../app-env.js';
import { controlErrors } from '../errors.js';
import { codesFor } from '../store/create-store.js';
import { DuplicateCodeError } from '../store/products-store.js';
import { productView } from './views.js';

/** Runs a write that may add codes; a duplicate code undoes all of it and answers 409. */
const withCodes = <T>(deps: AppDeps, write: () => T): T => {
  try {
    return deps.store.transaction(write);
  } catch (error) {
    if (error instanceof DuplicateCodeError) throw controlErrors.codeExists(error.code);
    throw error;
  }
};

export const putProductHandler =
  (deps: AppDeps): RouteHandler<typeof putProductRoute> =>
  (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const replacing = body.stock !== undefined || body.codes !== undefined;
    const product = withCodes(deps, () => {
      deps.store.products.putProduct({
        id,
        name: body.name,
        priceMicros: toMicros(body.price)!,
        codes: replacing ? codesFor(id, body) : undefined,
      });
      return deps.store.products.getProduct(id)!;
    });
    return c.json(productView(product), 200);
  };

export const addCodesHandler =
  (deps: AppDeps): RouteHandler<typeof addCodesRoute> =>
  (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const product = withCodes(deps, () => {
      if (!deps.store.products.getProduct(id)) throw controlErrors.productNotFound(id);
      deps.store.products.addCodes(id, codesFor(id, { stock: body.count, codes: body.codes }));
      return deps.store.products.getProduct(id)!;
    });
    return c.json(productView(product), 200);
  };
