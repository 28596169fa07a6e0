import { randomBytes } from "node:crypto";
import type { Shopper } from "./fixtures";
import type { HttpClient } from "./http";

/** How a submission ended: `ok` with the action's redirect, or the status and error code it got. */
export type Outcome = { code: string; ok: boolean };

// What Chromium sends for the checkout form (captured with Playwright against this build):
// `Next-Action: <id>`, `Accept: text/x-component`, the router state tree of /checkout, and a
// multipart body holding the form's fields prefixed `_1_` (plus React's hidden $ACTION_* inputs)
// and `0` = `[null,"$K1"]`: useActionState's previous state (null) and the form data.
const CHECKOUT_TREE = encodeURIComponent(JSON.stringify(["", { children: ["checkout", { children: ["__PAGE__", {}, null, null, 0] }, null, null, 0] }, null, null, 16]));

export type CheckoutAction = { id: string; hidden: [string, string][] };

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");

/** Reads the place-order action's id (and its hidden inputs) from the real /checkout page. */
export async function findCheckoutAction(client: HttpClient, shopper: Pick<Shopper, "cookie">): Promise<CheckoutAction> {
  const res = await client.request("GET", "/checkout", { cookie: shopper.cookie, accept: "text/html" });
  if (res.status !== 200) throw new Error(`GET /checkout answered ${res.status}`);
  const form = res.body.slice(0, res.body.indexOf('name="idempotencyKey"'));
  const start = form.lastIndexOf("<form");
  if (start < 0) throw new Error("no checkout form on /checkout (is the shopper's cart empty?)");
  const hidden = [...form.slice(start).matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g)].map((m) => [unescape(m[1]!), unescape(m[2] ?? "")] as [string, string]);
  const ref = hidden.find(([name]) => /^\$ACTION_\d+:0$/.test(name));
  if (!ref) throw new Error("no $ACTION_n:0 input in the checkout form; has the Next.js wire format changed?");
  const id = (JSON.parse(ref[1]) as { id: string }).id;
  return { id, hidden };
}

function multipart(fields: [string, string][]) {
  const boundary = `----benchBoundary${randomBytes(8).toString("hex")}`;
  const body = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join("") + `--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Submits the checkout form the way the browser does; success is the action's redirect to the order. */
export async function submitCheckout(client: HttpClient, action: CheckoutAction, shopper: Pick<Shopper, "addressId" | "cookie">, idempotencyKey: string): Promise<Outcome> {
  const { body, contentType } = multipart([
    ...action.hidden.map(([name, value]) => [`_1_${name}`, value] as [string, string]),
    ["_1_idempotencyKey", idempotencyKey],
    ["_1_addressId", String(shopper.addressId)],
    ["_1_payMethod", "cod"],
    ["0", '[null,"$K1"]'],
  ]);
  const res = await client.request(
    "POST",
    "/checkout",
    {
      "content-type": contentType,
      accept: "text/x-component",
      "next-action": action.id,
      "next-router-state-tree": CHECKOUT_TREE,
      origin: client.base.origin,
      referer: `${client.base.origin}/checkout`,
      cookie: shopper.cookie,
    },
    body,
  );
  const redirect = String(res.headers["x-action-redirect"] ?? "");
  if (res.status === 200 && redirect.startsWith("/orders/")) return { code: "200 redirect", ok: true };
  // Refusals the page redraws itself for: sold-out lines taken out ("Buy the rest"), a changed cart.
  const redrawn = res.status === 200 ? /^\/checkout\?notice=(sold-out|cart-changed)/.exec(redirect)?.[1] : undefined;
  const code = redrawn ? { "sold-out": "OUT_OF_STOCK", "cart-changed": "CART_CHANGED" }[redrawn] : /"ok":false,"code":"([A-Z_]+)"/.exec(res.body)?.[1];
  return { code: `${res.status} ${code ?? "?"}`, ok: false };
}
