import { describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/admin/emails/route";
import { POST as resendRoute } from "@/app/api/admin/emails/[id]/resend/route";
import { GET as orderEmailsRoute } from "@/app/api/admin/orders/[orderId]/emails/route";
import { getPool } from "@/db";
import { relayOnce } from "@/lib/mail/relay";
import { smtpTransport } from "@/lib/mail/transport";
import { placeOrder } from "@/lib/orders/checkout";
import { cancelOrder } from "@/lib/orders/lifecycle";
import { ctx, fillCart, makeShopper, makeSkus, noCtx, request, uid } from "./support/fixtures";
import { smtpTestPort, TestSmtp } from "./support/smtp";

describe("the console's view of e-mails", () => {
  it("lists an order's e-mails with their state, resends as a new row, and lists failed ones", async () => {
    const admin = await makeShopper("admin");
    const shopper = await makeShopper();
    const [skuId] = await makeSkus([5]);
    await fillCart(shopper, [{ skuId: skuId!, count: 1 }]);
    const { order } = await placeOrder({ userId: shopper.id, addressId: shopper.addressId, payMethod: "cod", idempotencyKey: uid("key-") });
    await cancelOrder(shopper.id, order.orderId);

    const list = (cookie: string) => orderEmailsRoute(request(`/api/admin/orders/${order.orderId}/emails`, { cookie }), ctx({ orderId: order.orderId }));
    expect((await list(shopper.cookie)).status).toBe(403);
    const res = await list(admin.cookie);
    expect(res.status).toBe(200);
    const { emails } = (await res.json()) as { emails: { id: number; kind: string; state: string; orderNumber: string; recipient: string }[] };
    expect(emails.map((e) => [e.kind, e.state, e.orderNumber, e.recipient])).toEqual([
      ["order_created", "pending", order.orderNumber, "buyer@example.com"],
      ["order_cancelled", "pending", order.orderNumber, "buyer@example.com"],
    ]);
    const unknown = await orderEmailsRoute(request("/api/admin/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV/emails", { cookie: admin.cookie }), ctx({ orderId: "01ARZ3NDEKTSV4RRFFQ69G5FAV" }));
    expect(unknown.status).toBe(404);

    // A server that refuses everything for good: both fail, with the server's reason.
    const smtp = new TestSmtp(smtpTestPort(2));
    await smtp.listen();
    const transport = smtpTransport(smtp.url);
    try {
      smtp.reject = true;
      await getPool().query("UPDATE mail_outbox SET state = 'failed' WHERE state IN ('pending', 'sending') AND (order_id IS NULL OR order_id <> ?)", [order.orderId]);
      await relayOnce({ transport });
      const failed = (await (await listRoute(request("/api/admin/emails?state=failed&limit=200", { cookie: admin.cookie }), noCtx)).json()) as { emails: { id: number; orderId: string; lastError: string }[] };
      const ours = failed.emails.filter((e) => e.orderId === order.orderId);
      expect(ours).toHaveLength(2);
      expect(ours.every((e) => /550/.test(e.lastError))).toBe(true);

      // Resend makes a new row (its own id, pending), the failed one stays as it was; then it is delivered.
      smtp.reject = false;
      const again = await resendRoute(request(`/api/admin/emails/${emails[1]!.id}/resend`, { method: "POST", cookie: admin.cookie }), ctx({ id: String(emails[1]!.id) }));
      expect(again.status).toBe(201);
      const { email } = (await again.json()) as { email: { id: number; kind: string; state: string } };
      expect(email).toMatchObject({ kind: "order_cancelled", state: "pending" });
      expect(email.id).toBeGreaterThan(emails[1]!.id);
      await relayOnce({ transport });
      const after = (await (await list(admin.cookie)).json()) as { emails: { id: number; state: string }[] };
      expect(after.emails.map((e) => e.state)).toEqual(["failed", "failed", "sent"]);
      expect(smtp.received.map((r) => r.mail.subject)).toEqual([`Your order ${order.orderNumber} is cancelled`]);
    } finally {
      transport.close();
      await smtp.close();
    }

    const missing = await resendRoute(request("/api/admin/emails/999999999/resend", { method: "POST", cookie: admin.cookie }), ctx({ id: "999999999" }));
    expect({ status: missing.status, code: ((await missing.json()) as { error: { code: string } }).error.code }).toEqual({ status: 404, code: "EMAIL_NOT_FOUND" });
    const bad = await listRoute(request("/api/admin/emails?state=lost", { cookie: admin.cookie }), noCtx);
    expect(bad.status).toBe(400);
  });
});
