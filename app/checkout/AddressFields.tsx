"use client";

import { useLayoutEffect, useRef } from "react";
import { COUNTRY_OPTIONS, DEFAULT_COUNTRY, needsPostcode } from "@/lib/orders/countries";

/** The address form's fields, in the order a parcel label reads them (the checkout's and the address book's). */
export const ADDRESS_FIELDS = [
  { name: "name", label: "Full name", autoComplete: "name" },
  { name: "email", label: "E-mail", autoComplete: "email", type: "email", hint: "For the order's confirmation and its link." },
  { name: "phone", label: "Phone", autoComplete: "tel", type: "tel", hint: "Digits, spaces, ( ) or -; a leading + is fine." },
  { name: "country", label: "Country" },
  { name: "line1", label: "Address line 1", autoComplete: "address-line1", hint: "Street and number." },
  { name: "line2", label: "Address line 2 (optional)", autoComplete: "address-line2", hint: "Apartment, suite, floor.", optional: true },
  { name: "city", label: "City", autoComplete: "address-level2" },
  { name: "region", label: "State / region (optional)", autoComplete: "address-level1", optional: true },
  { name: "postcode", label: "Postcode", autoComplete: "postal-code" },
] as const;

export type AddressField = (typeof ADDRESS_FIELDS)[number]["name"];
export type AddressValues = Record<AddressField, string>;
export const EMPTY_ADDRESS: AddressValues = { name: "", email: "", phone: "", country: DEFAULT_COUNTRY, line1: "", line2: "", city: "", region: "", postcode: "" };

type Props = {
  idPrefix: string;
  values: AddressValues;
  onChange: (values: AddressValues) => void;
  errors?: Record<string, string[] | undefined>;
  /** A guest types the e-mail once, above the address. */
  omit?: AddressField[];
};

/** Controlled: what was typed stays when the server refuses it. */
export function AddressFields({ idPrefix, values, onChange, errors, omit = [] }: Props) {
  const postcodeOptional = !needsPostcode(values.country);
  // React resets a form after its action; a controlled <select> is left on its first option, so
  // the country chosen is put back after every commit.
  const country = useRef<HTMLSelectElement>(null);
  useLayoutEffect(() => {
    if (country.current && country.current.value !== values.country) country.current.value = values.country;
  });
  return (
    <>
      {ADDRESS_FIELDS.filter((f) => !omit.includes(f.name)).map((f) => {
        const id = `${idPrefix}-${f.name}`;
        const error = errors?.[f.name]?.[0];
        const hint = "hint" in f ? f.hint : undefined;
        const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
        const optional = ("optional" in f && f.optional) || (f.name === "postcode" && postcodeOptional);
        const label = f.name === "postcode" && postcodeOptional ? "Postcode (optional)" : f.label;
        const common = {
          id,
          name: f.name,
          value: values[f.name],
          required: !optional,
          "aria-invalid": error ? true : undefined,
          "aria-describedby": described,
        } as const;
        return (
          <div className="field" key={f.name}>
            <label htmlFor={id}>{label}</label>
            {f.name === "country" ? (
              <select {...common} ref={country} autoComplete="country" onChange={(e) => onChange({ ...values, country: e.target.value })}>
                {COUNTRY_OPTIONS.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.name}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...common}
                type={"type" in f ? f.type : "text"}
                autoComplete={"autoComplete" in f ? f.autoComplete : undefined}
                onChange={(e) => onChange({ ...values, [f.name]: e.target.value })}
              />
            )}
            {hint && (
              <span id={`${id}-hint`} className="field-hint">
                {hint}
              </span>
            )}
            {error && (
              <span id={`${id}-error`} className="field-error">
                {error}
              </span>
            )}
          </div>
        );
      })}
    </>
  );
}
