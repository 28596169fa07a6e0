/** Product pictures are drawn, not downloaded: the shop works with no internet. */
export function ProductArt({ category, hue, label }: { category: string; hue: number; label: string }) {
  const bg = `hsl(${hue} 70% 94%)`;
  const fg = `hsl(${hue} 55% 45%)`;
  const dark = `hsl(${hue} 45% 28%)`;
  const shapes: Record<string, React.ReactNode> = {
    Phones: (
      <>
        <rect x="70" y="20" width="60" height="110" rx="10" fill={dark} />
        <rect x="75" y="28" width="50" height="92" rx="4" fill={fg} />
      </>
    ),
    Audio: (
      <>
        <circle cx="80" cy="75" r="22" fill={fg} />
        <circle cx="120" cy="75" r="22" fill={fg} />
        <rect x="74" y="90" width="12" height="36" rx="6" fill={dark} />
        <rect x="114" y="90" width="12" height="36" rx="6" fill={dark} />
      </>
    ),
    Shoes: <path d="M40 110 L60 70 L95 80 L130 95 L165 100 Q170 118 150 120 L45 120 Z" fill={fg} stroke={dark} strokeWidth="4" />,
    Computers: (
      <>
        <rect x="50" y="35" width="100" height="65" rx="6" fill={dark} />
        <rect x="57" y="42" width="86" height="51" rx="2" fill={fg} />
        <path d="M35 105 H165 L155 118 H45 Z" fill={dark} />
      </>
    ),
    Bags: (
      <>
        <path d="M80 45 Q100 15 120 45" fill="none" stroke={dark} strokeWidth="6" />
        <rect x="60" y="45" width="80" height="85" rx="14" fill={fg} />
        <rect x="75" y="85" width="50" height="30" rx="6" fill={dark} />
      </>
    ),
    Home: (
      <>
        <rect x="65" y="45" width="60" height="75" rx="8" fill={fg} />
        <path d="M125 60 Q150 60 150 80 Q150 100 125 100" fill="none" stroke={dark} strokeWidth="8" />
      </>
    ),
  };
  return (
    <svg viewBox="0 0 200 150" role="img" aria-label={label} style={{ display: "block", width: "100%", height: "auto", background: bg }}>
      {shapes[category] ?? (
        <>
          <circle cx="100" cy="75" r="40" fill={fg} stroke={dark} strokeWidth="6" />
          <path d="M100 50 V75 L118 88" stroke="#fff" strokeWidth="5" fill="none" strokeLinecap="round" />
          <rect x="90" y="20" width="20" height="15" rx="3" fill={dark} />
          <rect x="90" y="115" width="20" height="15" rx="3" fill={dark} />
        </>
      )}
    </svg>
  );
}
