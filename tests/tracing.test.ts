import { randomUUID } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppServer } from "./faults/services";
import { waitFor } from "./support/wait";
import { makeSkus, makeShopper, fillCart } from "./support/fixtures";

/**
 * A production server started with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a tiny OTLP/HTTP
 * receiver in this test (the exporter sends JSON), then one checkout per strategy kind. Uses the
 * production build the fault tests use (scripts/test.sh builds it first).
 */
const RECEIVER_PORT = Number(process.env.TRACING_TEST_PORT ?? 3473);
const SERVER_PORT = RECEIVER_PORT + 1;

type Value = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: Value }[];
  links?: { traceId: string; spanId: string }[];
};
type Span = { traceId: string; spanId: string; parentSpanId?: string; name: string; attrs: Record<string, string | number | boolean>; links: string[] };

const spans: Span[] = [];
let receiver: http.Server;

const valueOf = (v: Value) => v.stringValue ?? v.boolValue ?? v.doubleValue ?? (v.intValue === undefined ? "" : Number(v.intValue));

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (c: string) => (body += c));
    req.on("end", () => {
      if (req.url === "/v1/traces" && req.headers["content-type"]?.startsWith("application/json")) {
        const data = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const rs of data.resourceSpans)
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans)
              spans.push({
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId || undefined,
                name: s.name,
                attrs: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
                links: (s.links ?? []).map((l) => l.spanId),
              });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, "127.0.0.1", resolve));
});

afterAll(async () => {
  await new Promise((r) => receiver?.close(r));
});

const isMysql = (s: Span) => String(s.attrs["db.system.name"] ?? s.attrs["db.system"] ?? "").includes("mysql");
const isRedis = (s: Span) => String(s.attrs["db.system.name"] ?? s.attrs["db.system"] ?? "").includes("redis");
const childrenOf = (parent: Span) => spans.filter((s) => s.parentSpanId === parent.spanId);
const statementOf = (s: Span) => String(s.attrs["db.query.text"] ?? s.attrs["db.statement"] ?? "");

/** The span tree under `root`, one line per span, for the eye (printed with PRINT_SPAN_TREE=1). */
function tree(root: Span, depth = 0): string[] {
  const note = isMysql(root) || isRedis(root) ? ` — ${statementOf(root).replace(/\s+/g, " ").slice(0, 90)}` : "";
  return [`${"  ".repeat(depth)}${root.name}${note}`, ...childrenOf(root).flatMap((c) => tree(c, depth + 1))];
}

/** The outermost span of `span`'s trace that reached the receiver. */
function rootOf(span: Span): Span {
  const parent = spans.find((s) => s.spanId === span.parentSpanId);
  return parent ? rootOf(parent) : span;
}

async function checkoutThrough(server: AppServer) {
  const [skuId] = await makeSkus([5]);
  const buyer = await makeShopper();
  await fillCart(buyer, [{ skuId: skuId!, count: 1 }]);
  const res = await fetch(new URL("/api/orders", server.base), {
    method: "POST",
    headers: { "content-type": "application/json", cookie: buyer.cookie, "idempotency-key": randomUUID() },
    body: JSON.stringify({ addressId: buyer.addressId, payMethod: "cod" }),
  });
  expect(res.status).toBe(201);
  const { order } = (await res.json()) as { order: { orderId: string } };
  let checkout: Span | undefined;
  await waitFor("the checkout span", () => Boolean((checkout = spans.find((s) => s.name === "checkout" && s.attrs["stockroom.order_id"] === order.orderId))), 15_000, 100);
  return checkout!;
}

function serverWith(env: Record<string, string>) {
  return new AppServer(SERVER_PORT, {
    DATABASE_URL: process.env.DATABASE_URL!,
    REDIS_URL: process.env.REDIS_URL!,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${RECEIVER_PORT}`,
    OTEL_BSP_SCHEDULE_DELAY: "100",
    LOG_LEVEL: "warn",
    ...env,
  });
}

describe("traces over OTLP/HTTP", () => {
  it("batched: a checkout span with its attributes and Redis children, linked with the batch's transaction span and its MySQL children", async () => {
    const server = serverWith({ CHECKOUT_STRATEGY: "batched" });
    await server.start();
    try {
      const checkout = await checkoutThrough(server);
      expect(checkout.attrs).toMatchObject({ "stockroom.strategy": "batched", "stockroom.outcome": "created", "stockroom.attempts": 1, "stockroom.batch_size": 1 });
      // The request's span (from Next.js) is its parent: one trace from the HTTP request down.
      expect(spans.some((s) => s.spanId === checkout.parentSpanId)).toBe(true);
      expect(childrenOf(checkout).some(isRedis)).toBe(true);

      let batch: Span | undefined;
      await waitFor("the batch span", () => Boolean((batch = spans.find((s) => s.name === "checkout.batch" && s.links.includes(checkout.spanId)))), 10_000, 100);
      expect(checkout.links).toContain(batch!.spanId);
      expect(batch!.attrs).toMatchObject({ "stockroom.strategy": "batched", "stockroom.batch_size": 1, "stockroom.attempts": 1 });
      await waitFor("the batch's MySQL spans", () => childrenOf(batch!).filter(isMysql).length >= 3, 10_000, 100);
      const statements = childrenOf(batch!).filter(isMysql).map(statementOf);
      expect(statements.some((q) => /insert into `?orders\b/i.test(q))).toBe(true);
      expect(statements.some((q) => /update `?skus\b/i.test(q))).toBe(true);
      // Bound values never reach the collector: statements keep their placeholders.
      expect(statements.every((q) => !q.includes(checkout.attrs["stockroom.order_id"] as string))).toBe(true);
      if (process.env.PRINT_SPAN_TREE) console.log([...tree(rootOf(checkout)), "", ...tree(batch!)].join("\n"));
    } finally {
      await server.stop();
    }
  });

  it("conditional: the transaction's MySQL spans are the checkout span's own children", async () => {
    const server = serverWith({ CHECKOUT_STRATEGY: "conditional" });
    await server.start();
    try {
      const checkout = await checkoutThrough(server);
      expect(checkout.attrs).toMatchObject({ "stockroom.strategy": "conditional", "stockroom.outcome": "created", "stockroom.attempts": 1, "stockroom.batch_size": 1 });
      await waitFor("the checkout's MySQL spans", () => childrenOf(checkout).filter(isMysql).length >= 3, 10_000, 100);
      const statements = childrenOf(checkout).filter(isMysql).map(statementOf);
      expect(statements.some((q) => /update `?skus\b/i.test(q))).toBe(true);
      expect(childrenOf(checkout).some(isRedis)).toBe(true);
      if (process.env.PRINT_SPAN_TREE) console.log(tree(checkout).join("\n"));
    } finally {
      await server.stop();
    }
  });
});
