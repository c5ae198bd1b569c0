/** What the tests keep of an HTTP answer, read the same way in-process and over the network. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function readAnswer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** How many answers had each status, e.g. { 200: 5, 409: 35 }. */
export const statusCounts = (answers: readonly Answer[]) =>
  answers.reduce<Record<number, number>>((counts, a) => ({ ...counts, [a.status]: (counts[a.status] ?? 0) + 1 }), {});

/** The parts of GET /_mock/state the concurrency tests read. */
export interface SandboxState {
  accounts: { id: string; balance: number }[];
  products: { id: string; stock: number; sold: number }[];
  orders: { account_id: string; product_id: string; quantity: number; codes: string[]; idempotency_key: string | null }[];
}
