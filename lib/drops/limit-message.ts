/**
 * How a per-customer limit is said, everywhere a shopper meets one (product page, cart,
 * checkout page, API refusals). Pure, so client components use it too.
 */
export const limitLabel = (limit: number, name?: string) => `Limit ${limit} per customer${name ? ` for ${name}` : ""}`;

/**
 * A line that would pass its limit at checkout: `requested` what the order asks for, said as
 * `asked` ("you asked for 3", "you have 3 in your cart").
 */
export function overLimitMessage({ limit, name, alreadyBought, asked }: { limit: number; name?: string; alreadyBought: number; asked: string }): string {
  const head = limitLabel(limit, name);
  if (alreadyBought === 0) return `${head} — ${asked}.`;
  const left = Math.max(0, limit - alreadyBought);
  return left > 0 ? `${head} — you already have ${alreadyBought}, so you can buy ${left} more.` : `${head} — you already have ${alreadyBought}.`;
}

/** Said to a guest wherever a limited SKU meets them: before they queue up, and by checkout's refusal. */
export const accountRequiredMessage = (name: string, limit?: number) =>
  `${name} has a limit${limit ? ` of ${limit}` : ""} per customer, so it needs an account: log in or create one to buy it.`;
