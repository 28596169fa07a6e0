/**
 * Money is integer cents in TypeScript and DECIMAL strings at the database and API edges.
 * Nothing here touches floating point.
 */
export type Cents = number;

/** The most a DECIMAL(precision, 2) column holds, in cents: 10^precision - 1 (DECIMAL(4,2) tops out at 99.99). */
const largestDecimal = (precision: number): Cents => 10 ** precision - 1;

/**
 * What each kind of money column holds (db/schema.ts): unit prices (skus.price, order_lines.price)
 * and freight are DECIMAL(10,2), an order's total DECIMAL(12,2). lib/money.test.ts keeps
 * these in step with the schema, which cannot import them (db/ imports nothing from lib/).
 */
export const MONEY_COLUMNS = { price: 10, freight: 10, total: 12 } as const;
export type MoneyColumn = keyof typeof MONEY_COLUMNS;

/** The largest amount, in cents, a column of that kind can store. */
export const maxCents = (column: MoneyColumn): Cents => largestDecimal(MONEY_COLUMNS[column]);

/**
 * Whether an amount can be written to a column of that kind. Checked before a write, so an amount
 * that outgrows its column is refused with a clear error rather than by the database with a 500.
 */
export const fitsMoneyColumn = (cents: Cents, column: MoneyColumn): boolean => Number.isSafeInteger(cents) && cents >= 0 && cents <= maxCents(column);

const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

export function toCents(decimal: string): Cents {
  const m = DECIMAL.exec(decimal.trim());
  if (!m) throw new Error(`Not a decimal amount: ${decimal}`);
  const cents = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -cents : cents;
}

export function toDecimal(cents: Cents): string {
  if (!Number.isSafeInteger(cents)) throw new Error(`Not a whole number of cents: ${cents}`);
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

const formatter = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/** For display only: "$1,999.00". */
export function formatMoney(amount: Cents | string): string {
  const cents = typeof amount === "string" ? toCents(amount) : amount;
  // Intl needs a number; dividing a safe integer by 100 only for display is exact enough to round-trip 2 decimals.
  return formatter.format(cents / 100);
}
