/** The public API's bodies as TypeScript types, written from spec/openapi.yaml (no server import). */

export interface BalanceBody {
  balance: number;
  currency: 'USDT';
}

export interface ProductBody {
  id: string;
  name: string;
  price: number;
  stock: number;
  in_stock: boolean;
}

export interface ProductListBody {
  products: ProductBody[];
}

export interface PurchaseBody {
  success: true;
  order_id: string;
  codes: string[];
  balance_remaining: number;
}

export interface ErrorBody {
  success: false;
  code: string;
  error: string;
  details?: { path: string; message: string }[];
  retry_after_seconds?: number;
  required?: number;
  available?: number;
  requested?: number;
  stock?: number;
}

export type OperationId = 'getBalance' | 'listProducts' | 'purchase';
