/**
 * Short order numbers: "SR-7K3F92". The database numbers orders (orders.order_number,
 * AUTO_INCREMENT under a unique index); this is a one-to-one encoding of that number, so two
 * orders never share a code and a code names at most one order. The number is scrambled (an odd
 * multiplier modulo 2^30 is a bijection) so neighbouring orders do not read as a count of sales.
 * Crockford's base-32 alphabet: no I, L, O or U to misread.
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const BITS = 30n; // six characters of five bits
const SPACE = 1n << BITS;
const MASK = SPACE - 1n;
const MULTIPLIER = 387_420_489n; // odd, so invertible modulo 2^30
const OFFSET = 0x1b3f5c9n;

/** The inverse of MULTIPLIER modulo 2^30 (Newton's iteration doubles the correct bits each step). */
const INVERSE = (() => {
  let x = MULTIPLIER;
  for (let i = 0; i < 5; i++) x = (x * (2n - MULTIPLIER * x)) & MASK;
  return x;
})();

function toBase32(n: bigint, width: number) {
  let out = "";
  for (let i = 0; i < width || n > 0n; i++) {
    out = ALPHABET[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}

/** 1 -> "SR-…" (six characters; numbers past 2^30 grow longer on the left, still unique). */
export function formatOrderNumber(orderNumber: number): string {
  const n = BigInt(orderNumber);
  const low = (((n & MASK) * MULTIPLIER + OFFSET) & MASK);
  const high = n >> BITS;
  return `SR-${high > 0n ? toBase32(high, 0) : ""}${toBase32(low, 6)}`;
}

const ORDER_NUMBER_PATTERN = /^SR-([0-9A-HJKMNP-TV-Z]{6,12})$/i;

/** "SR-7K3F92" (any case) -> the order's number; null when it is not a well-formed code. */
export function parseOrderNumber(code: string): number | null {
  const match = ORDER_NUMBER_PATTERN.exec(code.trim());
  if (!match) return null;
  const chars = match[1]!.toUpperCase();
  let value = 0n;
  for (const c of chars) value = (value << 5n) | BigInt(ALPHABET.indexOf(c));
  const high = value >> BITS;
  const low = (((value & MASK) - OFFSET + SPACE) * INVERSE) & MASK;
  const n = (high << BITS) | low;
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n === 0n) return null;
  // A leading zero in the high part would give a second spelling of one number: only the canonical one counts.
  return formatOrderNumber(Number(n)) === `SR-${chars}` ? Number(n) : null;
}
