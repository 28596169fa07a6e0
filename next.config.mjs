import { fileURLToPath } from "node:url";

const isDev = process.env.NODE_ENV === "development";

// Next.js injects inline bootstrap scripts, so scripts need 'unsafe-inline' (nonces would make
// every page dynamic); React's development build also needs eval.
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  // The waiting room's proof-of-work runs in Web Workers the ALTCHA widget starts from blob: URLs
  // of its own bundled code (app/products/[spuId]/waiting-room.ts); a page script could run that
  // code anyway, so this lets in nothing a script could not already do.
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const securityHeaders = [
  { key: "Content-Security-Policy", value: csp },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Tests and benchmarks build into their own folder so they never clobber a running demo.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  // The test scripts type-check the whole project with `tsc --noEmit` themselves (scripts/test.sh);
  // NEXT_BUILD_TYPECHECK=0 spares their builds a second check of the same files.
  typescript: { ignoreBuildErrors: process.env.NEXT_BUILD_TYPECHECK === "0" },
  // A cached page lives 1 s, so a 304 saves little, while hashing a 40 kB catalog for its ETag on
  // every request cost about a third of the server's CPU per cached page (bench crowd).
  generateEtags: false,
  // Public pages are rendered at most once a second per process and served from memory in between
  // (lib/platform/page-cache/handler.mjs); Next.js's own in-memory copy would outlive a catalog change.
  cacheHandler: fileURLToPath(new URL("./lib/platform/page-cache/handler.mjs", import.meta.url)),
  cacheMaxMemorySize: 0,
  // The browser's router keeps a prefetched public page 30 s (the least it allows; 5 min by
  // default), so a soft navigation shows a renamed product soon; stock and prices are live anyway.
  // authInterrupts: `forbidden()` answers the console's 403 with a real 403 status (app/forbidden.tsx).
  // NEXT_SERVER_MINIFY=0 keeps the server bundles' function names, for readable CPU profiles (npm run bench -- --profile).
  experimental: { staleTimes: { static: 30 }, authInterrupts: true, serverMinification: process.env.NEXT_SERVER_MINIFY !== "0" },
  // A CDN may hold a public page for its 1 s revalidate time, never serve it staler while it refetches.
  expireTime: 1,
  // Required from node_modules at run time, not bundled: one copy per process (prom-client's
  // registry and cluster listener, OpenTelemetry's global provider), and mysql2 / ioredis loaded
  // through require, where the tracing instrumentations hook them.
  serverExternalPackages: [
    "mysql2",
    "ioredis",
    "pino",
    "prom-client",
    "@opentelemetry/api",
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/resources",
    "@opentelemetry/instrumentation",
    "@opentelemetry/instrumentation-mysql2",
    "@opentelemetry/instrumentation-ioredis",
  ],
  // The catalog's default view; views with a search, category or sort go through proxy.ts.
  async rewrites() {
    return { beforeFiles: [{ source: "/", destination: "/catalog/all" }], afterFiles: [], fallback: [] };
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
