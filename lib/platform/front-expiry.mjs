/**
 * nginx keeps a cached answer by whole seconds: `Cache-Control: s-maxage=1` stored at 5.9 s stays
 * fresh until 7.0 s (its expiry second, 6, plus all of that second), so "at most a second old"
 * became up to two. Every answer that says s-maxage=N also says `X-Accel-Expires: @<this second + N - 1>`
 * (an absolute time, which nginx prefers and never passes on to clients): fresh until the end of
 * that second, at most N seconds, as the app meant. Installed by the launcher in every server
 * process (scripts/start.mjs), next to the peer address (./peer-address.mjs). Plain .mjs.
 */
import { onEveryRequest } from "./every-request.mjs";

const S_MAXAGE = /(?:^|,)\s*s-maxage=(\d+)/i;

/** The X-Accel-Expires value for a Cache-Control value, or null when it sets no shared max age. */
export function accelExpires(cacheControl, nowMs = Date.now()) {
  const m = S_MAXAGE.exec(String(cacheControl ?? ""));
  if (!m) return null;
  const seconds = Number(m[1]);
  if (seconds < 1) return null;
  return `@${Math.floor(nowMs / 1000) + seconds - 1}`;
}

function headerIn(headers, name) {
  if (!headers || typeof headers !== "object") return undefined;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return headers[i + 1];
    return undefined;
  }
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

function stamp(_req, res) {
  // Dated from the request's arrival, not the answer's: a page rendered from data read before a
  // change that is answered after the next second began must not stay cached a second longer.
  const arrived = Date.now();
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadWithExpiry(status, ...rest) {
    const headers = typeof rest[0] === "string" ? rest[1] : rest[0];
    const value = accelExpires(headerIn(headers, "cache-control") ?? this.getHeader("cache-control"), arrived);
    if (value && !this.headersSent) this.setHeader("X-Accel-Expires", value);
    return writeHead.call(this, status, ...rest);
  };
}

/** Every HTTP server this process creates from now on stamps the header on its answers. Idempotent. */
export function stampFrontExpiry() {
  onEveryRequest(stamp);
}
