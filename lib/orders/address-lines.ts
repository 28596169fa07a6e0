import { countryName } from "./countries";

type Postal = { name: string; line1: string; line2: string; city: string; region: string; postcode: string; country: string };

/** An address as a label prints it, one line each (no empty lines): pure, for pages and the console. */
export function addressLines(a: Postal): string[] {
  const place = [a.city, [a.region, a.postcode].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  return [a.name, a.line1, a.line2, place, countryName(a.country)].filter(Boolean);
}

/** The same on one line, after the name: "1 Oak Ave, Portland, OR 97201, United States". */
export const oneLineAddress = (a: Postal) => addressLines(a).slice(1).join(", ");
