import { describe, expect, it } from "vitest";
import { dropBoard, dropPhase, dropsToday, isDrop, lowStock } from "./drop-board";
import type { StockRow } from "./stock";

const NOW = Date.parse("2026-06-01T12:00:00Z");
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

let nextId = 1;
function sku(over: Partial<StockRow>): StockRow {
  const skuId = nextId++;
  return { skuId, spuId: 1, product: "P", category: "c", hue: 0, name: `S${skuId}`, price: "1.00", compareAtPrice: null, code: null, stock: 10, sales: 0, onSale: true, perCustomerLimit: null, saleStartsAt: null, waitingRoom: null, locations: [], ...over };
}

describe("the console's drops", () => {
  const plain = sku({});
  const limitOnly = sku({ perCustomerLimit: 1 });
  const inTwoHours = sku({ saleStartsAt: iso(NOW + 2 * HOUR) });
  const nextWeek = sku({ saleStartsAt: iso(NOW + 7 * 24 * HOUR) });
  const soldOutThisMorning = sku({ saleStartsAt: iso(NOW - 3 * HOUR), stock: 0 });
  const lastMonthLive = sku({ saleStartsAt: iso(NOW - 30 * 24 * HOUR) });
  const lastMonthOff = sku({ saleStartsAt: iso(NOW - 30 * 24 * HOUR), onSale: false });
  const rows = [plain, limitOnly, inTwoHours, nextWeek, soldOutThisMorning, lastMonthLive, lastMonthOff];

  it("a drop is a SKU with a launch time or a limit", () => {
    expect(rows.filter(isDrop)).not.toContain(plain);
    expect(rows.filter(isDrop)).toHaveLength(6);
  });

  it("says where each drop stands", () => {
    expect([inTwoHours, soldOutThisMorning, lastMonthLive, lastMonthOff].map((r) => dropPhase(r, NOW))).toEqual(["upcoming", "sold_out", "live", "off_sale"]);
  });

  it("lists upcoming drops soonest first, then the rest latest launch first, a limit without a launch last", () => {
    expect(dropBoard(rows, NOW)).toEqual([inTwoHours, nextWeek, soldOutThisMorning, lastMonthLive, lastMonthOff, limitOnly]);
  });

  it("today: launches within a day either side, and every live drop", () => {
    expect(dropsToday(rows, NOW)).toEqual([inTwoHours, soldOutThisMorning, lastMonthLive, limitOnly]);
  });

  it("low stock: at or under the threshold, emptiest first", () => {
    const three = sku({ stock: 3 });
    const five = sku({ stock: 5 });
    const six = sku({ stock: 6 });
    expect(lowStock([six, five, three, soldOutThisMorning], 5)).toEqual([soldOutThisMorning, three, five]);
  });
});
