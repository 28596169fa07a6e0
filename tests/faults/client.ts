import { randomUUID } from "node:crypto";
import type { Shopper } from "../support/fixtures";
import { HttpClient, type HttpResponse } from "../support/http";

/** `status` 0 means the connection failed; `error` then says how. */
export type Answer = { status: number; code?: string; message?: string; body: Record<string, unknown>; headers: HttpResponse["headers"]; error?: string };

/** One API call as a shopper; a dropped connection is an answer too (status 0), never a throw. */
export async function call(client: HttpClient, method: string, path: string, shopper?: Shopper, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  try {
    const res = await client.request(
      method,
      path,
      { ...(shopper ? { cookie: shopper.cookie } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body === undefined ? undefined : JSON.stringify(body),
    );
    let parsed: Record<string, unknown> = {};
    try {
      parsed = res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
    } catch {
      parsed = { html: res.body };
    }
    const error = parsed.error as { code?: string; message?: string } | undefined;
    return { status: res.status, code: error?.code, message: error?.message, body: parsed, headers: res.headers };
  } catch (e) {
    return { status: 0, body: {}, headers: {}, error: (e as Error).message };
  }
}

export const checkout = (client: HttpClient, shopper: Shopper, key: string = randomUUID()) =>
  call(client, "POST", "/api/orders", shopper, { addressId: shopper.addressId, payMethod: "cod" }, { "idempotency-key": key });

export const orderIdOf = (a: Answer) => (a.body.order as { orderId?: string } | undefined)?.orderId;
