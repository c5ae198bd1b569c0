/** Random identifiers the store hands out: keys, order ids, codes. */
import { createHash, randomBytes } from 'node:crypto';

// Crockford's base32: no I, L, O, U, so codes read aloud without confusion.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const newApiKey = () => `mk_test_${randomBytes(12).toString('hex')}`;
export const newOrderId = () => `ord_${randomBytes(8).toString('hex')}`;
export const newAccountId = () => `acc_${randomBytes(6).toString('hex')}`;

/** A random code such as `SBX-002-7K3Q-9XW2-M4TD`: 60 random bits, so a code never repeats in practice. */
export function newCode(productId: string): string {
  const bytes = randomBytes(12);
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
