// For plain Node processes that load lib/ through tsx (tests/support/relay-process.ts): `server-only`
// is an empty module, as vitest.config.ts aliases it, without the react-server condition (under
// which React Email's react-dom/server refuses to render).
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(
      "export async function resolve(specifier, context, next) { return specifier === 'server-only' ? { url: 'data:text/javascript,', shortCircuit: true } : next(specifier, context); }",
    ),
);
