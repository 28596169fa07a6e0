import { z } from "zod";

const username = z
  .string({ error: "Username is required." })
  .trim()
  .regex(/^[a-zA-Z0-9_.-]{3,32}$/, "Username must be 3-32 characters: letters, digits, _ . or -.");

const password = z
  .string({ error: "Password is required." })
  .min(8, "Password must be at least 8 characters.")
  .max(128, "Password must be at most 128 characters.");

/**
 * An optional e-mail: an empty field is none (so a signed-in shopper's own, where a form allows
 * that). Lower-cased; z.email refuses CR/LF and anything else that could end a mail header.
 * Registering with one lets orders a guest placed with it be claimed (lib/orders/claim.ts);
 * "notify me" (lib/alerts) uses the same rule.
 */
export const optionalEmail = z
  .string({ error: "E-mail must be text." })
  .trim()
  .max(254, "E-mail must be at most 254 characters.")
  .transform((e) => e.toLowerCase())
  .pipe(z.union([z.literal(""), z.email("Enter an e-mail address like name@example.com.")]))
  .optional()
  .transform((e) => e || undefined);

/** Unknown keys (a `role`, say) are stripped: nobody registers themselves as admin. */
export const credentialsSchema = z.object({ username, password, email: optionalEmail });

// Login only checks shape loosely: a wrong-format username is just a wrong username.
export const loginSchema = z.object({
  username: z.string({ error: "Username is required." }).trim().min(1, "Username is required.").max(64),
  password: z.string({ error: "Password is required." }).min(1, "Password is required.").max(128),
});

export type Credentials = z.input<typeof credentialsSchema> & { email?: string };
