import { NextResponse } from "next/server";
import { AppError } from "@/lib/errors";

/**
 * A path with a broken percent-escape (`/products/%ff`, `/catalog/%%%`, `/orders/%E0%A4%A`).
 * `next start` decodes a dynamic route's params with decodeURIComponent; when that throws it
 * means to answer 400 with the Pages Router's error page, which an App Router build does not
 * have, so it answers a bare 500 before any of our code runs. proxy.ts asks this first.
 */
export function hasMalformedEscape(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

const error = new AppError("MALFORMED_PATH");

// Written out whole: no layout, no data, nothing that could fail on the way to a 400. The front
// serves a copy of it (scripts/front/400.html) for the paths nginx refuses itself, such as `/%zz`;
// tests/malformed-path-page.test.ts keeps the copy equal to this.
export const MALFORMED_PATH_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bad address · Stockroom</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}a{color:#0b57d0}</style>
</head>
<body>
<main>
<h1>That address is broken</h1>
<p>${error.message}</p>
<p>Check the link you followed, or <a href="/">go to the catalog</a>.</p>
</main>
</body>
</html>
`;

/** 400 MALFORMED_PATH: the API's JSON error body under /api, a page anywhere else. */
export function malformedPathResponse(pathname: string): NextResponse {
  if (pathname === "/api" || pathname.startsWith("/api/")) {
    return NextResponse.json({ error: { code: error.code, message: error.message } }, { status: error.status });
  }
  return new NextResponse(MALFORMED_PATH_PAGE, { status: error.status, headers: { "content-type": "text/html; charset=utf-8" } });
}
