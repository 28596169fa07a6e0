/**
 * Money is integer cents in TypeScript and DECIMAL(10,2) strings at the database and API edges.
 * Nothing here touches floating point.
 */
export type Cents = number;

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
