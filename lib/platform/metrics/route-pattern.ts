/**
 * The App Router pattern a request matched, e.g. `/api/orders/[orderId]/pay` for
 * `/api/orders/01J…/pay`, rebuilt from the route's params so a metric label never carries a raw
 * id (one label value per order would grow the registry without bound).
 */
export function routePattern(pathname: string, params: Record<string, string | string[] | undefined> | undefined): string {
  if (!params) return pathname;
  const byValue = new Map<string, string>();
  const catchAll: [name: string, values: string[]][] = [];
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === "string") byValue.set(value, `[${name}]`);
    else if (Array.isArray(value) && value.length > 0) catchAll.push([name, value]);
  }
  const segments = pathname.split("/").map(decodeSegment);
  for (const [name, values] of catchAll) {
    const at = segments.findIndex((_, i) => values.every((v, j) => segments[i + j] === v));
    if (at >= 0) segments.splice(at, values.length, `[...${name}]`);
  }
  return segments.map((s) => byValue.get(s) ?? s).join("/");
}

function decodeSegment(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
