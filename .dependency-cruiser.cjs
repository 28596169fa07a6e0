/**
 * The import rules of the house, checked by `npm run lint` (dependency-cruiser). Arrows run
 * app -> lib -> db and never back; inside lib/, the shop's domains use the process plumbing
 * (lib/platform) and never the web layer (lib/web); tests, bench and e2e share tests/support.
 */
const DOMAINS = "(admin|alerts|audit|auth|cart|catalog|drops|images|orders)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A circle of imports: nobody can tell which module is built on which.",
      from: {},
      to: { circular: true },
    },
    {
      name: "db-is-the-floor",
      severity: "error",
      comment: "db/ holds the schema, the pool and the migrations; it imports nothing of the app above it.",
      from: { path: "^db/" },
      to: { path: "^(lib|app|scripts|tests|bench|e2e)/" },
    },
    {
      name: "lib-never-imports-up",
      severity: "error",
      comment: "lib/ is used by app/, scripts and tests, never the other way.",
      from: { path: "^lib/" },
      to: { path: "^(app|scripts|tests|bench|e2e)/" },
    },
    {
      name: "domains-know-no-web",
      severity: "error",
      comment: "Route and action helpers (lib/web) belong to the web layer; a domain service is plain functions.",
      from: { path: `^lib/${DOMAINS}/` },
      to: { path: "^lib/web/" },
    },
    {
      name: "platform-knows-no-domain",
      severity: "error",
      comment: "lib/platform is process plumbing (config, logging, clients, shutdown, metrics); the shop's rules live above it.",
      from: { path: "^lib/platform/" },
      to: { path: `^lib/(${DOMAINS.slice(1, -1)}|web)/` },
    },
    {
      name: "lib-root-is-a-kernel",
      severity: "error",
      comment: "lib/errors.ts and lib/money.ts are used by every domain; they import none.",
      from: { path: "^lib/(errors|money)\\.ts$" },
      to: { path: "^lib/" },
    },
    {
      name: "app-components-are-a-leaf",
      severity: "error",
      comment: "Shared UI (app/components) is used by every page and imports no page folder.",
      from: { path: "^app/components/" },
      to: { path: "^app/", pathNot: "^app/(components/|api-client\\.ts$)" },
    },
    {
      name: "app-session-above-components-only",
      severity: "error",
      from: { path: "^app/session/" },
      to: { path: "^app/", pathNot: "^app/(session/|components/|api-client\\.ts$)" },
    },
    {
      name: "app-cart-above-session-only",
      severity: "error",
      from: { path: "^app/cart/" },
      to: { path: "^app/", pathNot: "^app/(cart/|session/|components/|api-client\\.ts$)" },
    },
    {
      name: "app-pages-import-no-other-page",
      severity: "error",
      comment: "A page folder uses shared folders (components, session, cart) and its own files, never another page's: no loops between app/ folders.",
      from: { path: "^app/([^/]+)/", pathNot: "^app/(components|session|cart)/" },
      to: { path: "^app/", pathNot: ["^app/$1/", "^app/(components|session|cart)/", "^app/(api-client|providers)\\.tsx?$"] },
    },
    {
      name: "admin-rooms-import-no-other-room",
      severity: "error",
      comment: "Each console room (app/admin/<room>/) uses its own files and the console's shared UI (app/admin/ui/), never another room's.",
      from: { path: "^app/admin/([^/]+)/", pathNot: "^app/admin/ui/" },
      to: { path: "^app/admin/", pathNot: ["^app/admin/$1/", "^app/admin/ui/"] },
    },
    {
      name: "admin-ui-is-a-leaf",
      severity: "error",
      comment: "The console's shared UI is used by every room and imports none.",
      from: { path: "^app/admin/ui/" },
      to: { path: "^app/admin/", pathNot: "^app/admin/ui/" },
    },
    {
      name: "tests-use-no-bench",
      severity: "error",
      comment: "Tests, bench and e2e share one support library (tests/support); the bench is not a library.",
      from: { path: "^(tests|e2e|lib|app)/" },
      to: { path: "^bench/" },
    },
    {
      name: "no-orphans",
      severity: "error",
      comment: "A module nothing imports is dead code (entry points and tests excepted).",
      from: {
        orphan: true,
        pathNot: [
          "\\.d\\.m?ts$",
          "\\.(test|spec|setup)\\.ts$",
          "^app/.*(page|layout|route|error|not-found|forbidden|loading|providers|global-error)\\.tsx?$",
          "^(instrumentation|proxy)\\.ts$",
          "^(scripts|bench|tests/support|tests/cluster|e2e/support)/",
          "^db/(migrate|seed)\\.ts$",
          "^lib/platform/(page-cache/handler|metrics/cluster-primary)\\.mjs$",
        ],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|\\.next[^/]*|dist|bench/results|\\.demo)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".tsx", ".mjs", ".js", ".d.mts"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
