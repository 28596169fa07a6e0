import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { IORedisInstrumentation } from "@opentelemetry/instrumentation-ioredis";
import { MySQL2Instrumentation } from "@opentelemetry/instrumentation-mysql2";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

/**
 * OpenTelemetry for this server process, loaded by instrumentation.ts only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. Spans leave over OTLP/HTTP (JSON) to `<endpoint>/v1/traces`
 * in batches; the exporter reads the standard OTEL_EXPORTER_OTLP_* variables itself (headers,
 * timeout, a traces-only endpoint). MySQL and Redis calls become child spans of whatever span is
 * active (Next's request span, a `checkout`, a `checkout.batch`): mysql2 and ioredis are server
 * external packages (next.config.mjs), required from node_modules, so these hooks see them, and
 * this runs before anything loads them.
 */
export function startTracing() {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      "service.name": process.env.OTEL_SERVICE_NAME || "stockroom",
      "service.instance.id": `${process.env.HOSTNAME ?? "local"}:${process.pid}`,
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Statements are reported as sent, with their `?` placeholders: left to its default the
      // instrumentation formats the bound values in (password hashes, session digests, addresses).
      new MySQL2Instrumentation({ maskStatement: true, maskStatementHook: (sql) => sql }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  // Spans still in the batch go out before the process exits (graceful stop ends with process.exit).
  const flush = () => void provider.forceFlush().catch(() => {});
  process.once("beforeExit", flush);
  return provider;
}
