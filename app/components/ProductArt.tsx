import { useId } from "react";

/** Named colours in variant names ("Midnight, 128 GB", "Pearl white", "Olive"): the art is painted in them. */
const COLOUR_WORDS: [RegExp, { h: number; s: number; l: number }][] = [
  [/midnight/i, { h: 230, s: 35, l: 22 }],
  [/glacier/i, { h: 195, s: 45, l: 70 }],
  [/pearl|white|ivory/i, { h: 40, s: 20, l: 88 }],
  [/graphite|black|charcoal/i, { h: 220, s: 8, l: 28 }],
  [/olive/i, { h: 75, s: 35, l: 38 }],
  [/navy/i, { h: 225, s: 55, l: 30 }],
  [/red|crimson/i, { h: 355, s: 65, l: 45 }],
  [/silver|grey|gray/i, { h: 210, s: 8, l: 62 }],
];

/** A stable small number from a string: variants without a colour word still look distinct. */
function hash(s: string) {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return Math.abs(h);
}

/** The body colour of a variant: its named colour, or the product's hue turned a little per variant. */
export function variantColour(hue: number, variant?: string) {
  const named = variant ? COLOUR_WORDS.find(([re]) => re.test(variant))?.[1] : undefined;
  if (named) return named;
  const turn = variant ? (hash(variant) % 7) * 12 - 36 : 0;
  return { h: (hue + turn + 360) % 360, s: 55, l: 45 };
}

type Props = {
  category: string;
  hue: number;
  /** The product's name, or "Product — Variant": what a screen reader hears. */
  label: string;
  /** The SKU's variant name: tints the art. */
  variant?: string;
  /** "hero": the product page's large picture, with a label chip. */
  size?: "card" | "hero";
};

/**
 * Product pictures are drawn, not downloaded: the shop works with no internet. One drawing per
 * category, painted in the variant's colour (or the product's hue turned per variant).
 */
export function ProductArt({ category, hue, label, variant, size = "card" }: Props) {
  const gradientId = useId();
  const c = variantColour(hue, variant);
  const bgTop = `hsl(${hue} 70% 96%)`;
  const bgBottom = `hsl(${hue} 55% 88%)`;
  const fg = `hsl(${c.h} ${c.s}% ${c.l}%)`;
  const dark = `hsl(${c.h} ${Math.min(60, c.s + 5)}% ${Math.max(12, c.l - 20)}%)`;
  const light = `hsl(${c.h} ${c.s}% ${Math.min(95, c.l + 22)}%)`;
  return (
    <svg viewBox="0 0 200 150" role="img" aria-label={label} className={`product-art ${size}`} style={{ display: "block", width: "100%", height: "auto" }}>
      <defs>
        <linearGradient id={gradientId} x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor={bgTop} />
          <stop offset="1" stopColor={bgBottom} />
        </linearGradient>
      </defs>
      <rect width="200" height="150" fill={`url(#${gradientId})`} />
      <ellipse cx="100" cy="133" rx="62" ry="7" fill={`hsl(${hue} 30% 40% / 0.18)`} />
      <Shape category={category} fg={fg} dark={dark} light={light} />
      {size === "hero" && variant && (
        <g>
          <rect x="8" y="8" width={Math.min(184, 10 + variant.length * 4)} height="13" rx="6.5" fill="#fff" fillOpacity="0.85" />
          <text x="13" y="17.3" fontSize="7" fontFamily="system-ui, sans-serif" fill="#1c1d21">
            {variant}
          </text>
        </g>
      )}
    </svg>
  );
}

function Shape({ category, fg, dark, light }: { category: string; fg: string; dark: string; light: string }) {
  switch (category) {
    case "Phones":
      return (
        <>
          <rect x="70" y="18" width="60" height="112" rx="11" fill={dark} />
          <rect x="75" y="26" width="50" height="94" rx="5" fill={fg} />
          <rect x="79" y="30" width="42" height="30" rx="3" fill={light} opacity="0.45" />
          <circle cx="100" cy="124" r="2.5" fill={light} />
        </>
      );
    case "Audio":
      return (
        <>
          <path d="M72 70 Q100 30 128 70" fill="none" stroke={dark} strokeWidth="5" strokeLinecap="round" />
          <circle cx="78" cy="80" r="20" fill={fg} />
          <circle cx="122" cy="80" r="20" fill={fg} />
          <circle cx="78" cy="80" r="9" fill={light} opacity="0.6" />
          <circle cx="122" cy="80" r="9" fill={light} opacity="0.6" />
          <rect x="72" y="96" width="12" height="30" rx="6" fill={dark} />
          <rect x="116" y="96" width="12" height="30" rx="6" fill={dark} />
        </>
      );
    case "Shoes":
      return (
        <>
          <path d="M38 112 L58 70 L94 80 L130 95 L164 100 Q172 118 150 122 L42 122 Z" fill={fg} stroke={dark} strokeWidth="4" strokeLinejoin="round" />
          <path d="M42 114 H166" stroke={light} strokeWidth="5" />
          <path d="M70 82 L80 92 M82 85 L92 95 M94 88 L104 98" stroke={light} strokeWidth="3" strokeLinecap="round" />
        </>
      );
    case "Computers":
      return (
        <>
          <rect x="50" y="32" width="100" height="68" rx="6" fill={dark} />
          <rect x="57" y="39" width="86" height="54" rx="2" fill={fg} />
          <path d="M62 44 L95 44 L70 88 L62 88 Z" fill={light} opacity="0.35" />
          <path d="M34 104 H166 L156 118 H44 Z" fill={dark} />
        </>
      );
    case "Bags":
      return (
        <>
          <path d="M80 46 Q100 14 120 46" fill="none" stroke={dark} strokeWidth="6" />
          <rect x="60" y="44" width="80" height="86" rx="14" fill={fg} />
          <rect x="74" y="86" width="52" height="30" rx="6" fill={dark} />
          <rect x="96" y="92" width="8" height="8" rx="2" fill={light} />
        </>
      );
    case "Home":
      return (
        <>
          <rect x="62" y="44" width="64" height="78" rx="9" fill={fg} />
          <path d="M126 60 Q152 60 152 82 Q152 104 126 104" fill="none" stroke={dark} strokeWidth="8" />
          <rect x="62" y="44" width="64" height="10" rx="5" fill={dark} />
          <path d="M82 32 Q86 24 82 16 M96 32 Q100 24 96 16 M110 32 Q114 24 110 16" stroke={dark} strokeWidth="2.5" fill="none" opacity="0.5" strokeLinecap="round" />
        </>
      );
    default:
      return (
        <>
          <circle cx="100" cy="75" r="40" fill={fg} stroke={dark} strokeWidth="6" />
          <path d="M100 50 V75 L118 88" stroke="#fff" strokeWidth="5" fill="none" strokeLinecap="round" />
          <rect x="90" y="20" width="20" height="15" rx="3" fill={dark} />
          <rect x="90" y="115" width="20" height="15" rx="3" fill={dark} />
        </>
      );
  }
}

/**
 * A small square picture for a line in the cart, checkout, an order or a table. Decorative: the
 * line's name is beside it, so a screen reader does not hear it twice.
 */
export function ProductThumb({ category, hue, variant, size = 56 }: { category: string; hue: number; variant?: string; size?: number }) {
  return (
    <span className="product-thumb" aria-hidden="true" style={{ width: size, height: size }}>
      <ProductArt category={category} hue={hue} label="" variant={variant} />
    </span>
  );
}
