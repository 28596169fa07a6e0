/** Runs once when a server process starts (Node runtime only). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Tracing first, so its hooks are in place before anything loads mysql2 or ioredis. Without an
  // endpoint the SDK is never imported: no cost beyond @opentelemetry/api's no-op tracer.
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) (await import("./lib/platform/tracing/start")).startTracing();
  await import("./lib/startup");
}
