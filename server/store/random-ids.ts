/** Random identifiers the store hands out: keys, order ids, codes. */
import { createHash, randomBytes } from 'node:crypto';

// Crockford's base32: no I, L, O, U, so codes read aloud without confusion.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Random bytes taken from a pool refilled 4 KiB at a time: one call into the system's
 * generator per few hundred ids instead of one per order or code (a purchase's id,
 * a million codes at a restock). The same cryptographic source as randomBytes.
 */
let pool = Buffer.alloc(0);
let used = 0;
function pooledRandomBytes(size: number): Buffer {
  if (used + size > pool.length) {
    pool = randomBytes(4096);
    used = 0;
  }
  used += size;
  return pool.subarray(used - size, used);
}

export const newApiKey = () => `mk_test_${randomBytes(12).toString('hex')}`;
export const newOrderId = () => `ord_${pooledRandomBytes(8).toString('hex')}`;
export const newAccountId = () => `acc_${randomBytes(6).toString('hex')}`;

/** A random code such as `SBX-002-7K3Q-9XW2-M4TD`: 60 random bits, so a code never repeats in practice. */
export function newCode(productId: string): string {
  const bytes = pooledRandomBytes(12);
  const chars = Array.from(bytes, (b) => CODE_ALPHABET[b & 31]).join('');
  return `SBX-${productId}-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

/** The store keeps only this hash of a key, never the key. */
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** What the state view shows of a key. */
export const keyPrefix = (key: string) => key.slice(0, 10);

/**
 * What the journal and the fault list show of a key someone sent: its first 10 characters,
 * and never the whole of a short one.
 */
export const shownPrefix = (key: string) => (key.length > 10 ? key.slice(0, 10) : key.slice(0, Math.floor(key.length / 2)));
