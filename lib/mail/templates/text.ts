import { formatMoney, toCents } from "@/lib/money";
import type { BackInStockMail, OrderMail } from "../content";
import { COPY } from "./copy";

/*
 * The plain-text parts, written from the same data as the HTML templates beside them rather than
 * converted from their HTML: a conversion cost about a third of an e-mail's CPU, and a drop's
 * confirmations are sent hundreds a second.
 */

/** An order e-mail's text part: what the HTML says, line for line. */
export function orderText({ kind, order, link }: OrderMail): string {
  const copy = COPY[kind];
  const tracking = [order.carrier ? `Carrier: ${order.carrier}` : "", order.trackingNumber ? `Tracking number: ${order.trackingNumber}` : ""].filter(Boolean).join(" · ");
  return [
    copy.headline.toUpperCase(),
    "",
    `Hello ${order.address.name}, ${copy.intro}`,
    "",
    `Order ${order.orderNumber}`,
    ...(kind === "order_shipped" && tracking ? [tracking] : []),
    "",
    ...order.lines.map((l) => `${l.count} × ${l.name}    ${formatMoney(toCents(l.price) * l.count)}`),
    "",
    `Shipping    ${formatMoney(order.freight)}`,
    `Total    ${formatMoney(order.totalAmount)}`,
    "",
    `View your order: ${link}`,
    "",
  ].join("\n");
}

/** A back-in-stock e-mail's text part. */
export function backInStockText({ name, link, unsubscribeLink }: BackInStockMail): string {
  return [
    "IT'S BACK IN STOCK",
    "",
    `${name} is back. You asked us to tell you; units are limited and go to whoever orders first.`,
    "",
    `Shop it now: ${link}`,
    "",
    "This was a one-time alert: you will not hear about this item again unless you ask.",
    `Did not ask for it? Unsubscribe: ${unsubscribeLink}`,
    "",
  ].join("\n");
}
