import { z } from "zod";
import { COUNTRY_CODES, needsPostcode } from "./countries";

/**
 * A postal address, as saved in an address book and as typed by a guest at checkout: one schema
 * for the API, the server actions and the checkout's snapshot. No "server-only": pure.
 */

const text = (label: string, max: number) =>
  z.string({ error: `${label} is required.` }).trim().min(1, `${label} is required.`).max(max, `${label} must be at most ${max} characters.`);
const optionalText = (label: string, max: number) => z.string({ error: `${label} must be text.` }).trim().max(max, `${label} must be at most ${max} characters.`);

export const emailSchema = z
  .string({ error: "E-mail is required." })
  .trim()
  .min(1, "E-mail is required.")
  .max(254, "E-mail must be at most 254 characters.")
  .pipe(z.email("Enter an e-mail address like name@example.com."))
  .transform((e) => e.toLowerCase());

/** Every field as sent; the optional ones are strings that may be empty. */
const fields = {
  name: text("Full name", 64),
  email: emailSchema,
  phone: z
    .string({ error: "Phone is required." })
    .trim()
    .regex(/^\+?[0-9][0-9 ()-]{4,30}$/, "Phone must be 5-31 digits, spaces, ( ) or -."),
  line1: text("Address line 1", 255),
  line2: optionalText("Address line 2", 255),
  city: text("City", 128),
  region: optionalText("State / region", 128),
  postcode: optionalText("Postcode", 16).pipe(z.string().regex(/^[A-Za-z0-9 -]*$/, "Postcode may hold letters, digits, spaces and -.")),
  country: z
    .string({ error: "Choose a country." })
    .trim()
    .toUpperCase()
    .pipe(z.enum(COUNTRY_CODES, { error: "Choose a country from the list." })),
};

/** Every field, the optional ones empty when left out; `addressSchema` adds the rule that spans two (postcode per country). */
export const addressFields = z.object({ ...fields, line2: fields.line2.default(""), region: fields.region.default(""), postcode: fields.postcode.default("") });

type Fields = z.infer<typeof addressFields>;

function postcodeWhereNeeded(a: Pick<Fields, "postcode" | "country">, ctx: z.RefinementCtx) {
  if (a.postcode === "" && needsPostcode(a.country)) ctx.addIssue({ code: "custom", path: ["postcode"], message: "Postcode is required for this country." });
}

export const addressSchema = addressFields.superRefine(postcodeWhereNeeded);
export type AddressInput = z.infer<typeof addressSchema>;

/** An order's ship-to: the address as it was at checkout, copied onto the order row. */
export type ShipTo = AddressInput;

/** A guest types the e-mail once, beside the address: the address's own e-mail field is not asked. */
export const guestAddressSchema = addressFields.omit({ email: true }).superRefine(postcodeWhereNeeded);

/** `PUT /api/addresses/:id`: the fields it names replace the saved ones; `isDefault: true` makes it the default. */
export const addressPatchSchema = z.object(fields).partial().extend({ isDefault: z.literal(true, { error: "isDefault can only be true." }).optional() });
export type AddressPatch = z.infer<typeof addressPatchSchema>;

export const SHIP_TO_KEYS = ["name", "email", "phone", "line1", "line2", "city", "region", "postcode", "country"] as const satisfies readonly (keyof ShipTo)[];
