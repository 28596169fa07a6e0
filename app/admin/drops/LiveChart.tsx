"use client";

import { useEffect, useRef } from "react";
import uPlot, { type AlignedData, type Options } from "uplot";
import "uplot/dist/uPlot.min.css";
import { clock } from "@/app/admin/ui/format";

export type ChartSeries = {
  label: string;
  color: string;
  /** The right-hand axis (e.g. stock left beside units per second). */
  right?: boolean;
  dash?: number[];
  bars?: boolean;
  /** Dots on every value: for series with gaps (a second without checkouts has no latency), where a lone second has no line. */
  points?: boolean;
};

const HEIGHT = 200;
const AXIS = { stroke: "#5d6270", grid: { stroke: "#e3e4e8", width: 1 }, ticks: { stroke: "#e3e4e8", width: 1 }, font: "12px system-ui, sans-serif" };
const bars = uPlot.paths.bars?.({ size: [0.7, 24] });

function options(width: number, series: ChartSeries[], unit: string, rightUnit?: string): Options {
  return {
    width,
    height: HEIGHT,
    // The figure's own legend and table carry the words; uPlot's hover legend would repeat them.
    legend: { show: false },
    cursor: { show: true, drag: { x: false, y: false } },
    // One second past the newest, so its bar is drawn whole.
    scales: { x: { time: true, range: (_u, min, max) => [min, max + 1] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] }, ...(rightUnit ? { right: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } } : {}) },
    axes: [
      { ...AXIS, space: 80, values: (_u, ticks) => ticks.map((t) => clock(t * 1000)) },
      { ...AXIS, label: unit, labelSize: 20, size: 44 },
      ...(rightUnit ? [{ ...AXIS, scale: "right", side: 1 as const, label: rightUnit, labelSize: 20, size: 44, grid: { show: false } }] : []),
    ],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        dash: s.dash,
        scale: s.right ? "right" : "y",
        ...(s.bars ? { paths: bars, fill: `${s.color}99`, width: 0 } : {}),
        points: { show: s.points ?? false, size: 6, fill: s.color },
        spanGaps: false,
      })),
    ],
  };
}

/**
 * A live uPlot chart (canvas): created once, then fed new data with setData, so a refresh every
 * second redraws without React re-rendering a chart tree. Named for assistive technology by
 * `label` (role img); its numbers are in the figure's table, which `describedBy` points to.
 */
export function LiveChart({ label, series, data, unit, rightUnit, describedBy }: { label: string; series: ChartSeries[]; data: AlignedData; unit: string; rightUnit?: string; describedBy?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef<AlignedData>([]);
  const shape = JSON.stringify({ series, unit, rightUnit });

  // Declared first, so on mount it runs before the chart is made and the chart starts with this data.
  useEffect(() => {
    latest.current = data;
    chart.current?.setData(data);
  }, [data]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const made = new uPlot(options(el.clientWidth, JSON.parse(shape).series as ChartSeries[], unit, rightUnit), latest.current, el);
    chart.current = made;
    // Follows the column's width (a phone turned, a window resized), never wider than it.
    const resize = new ResizeObserver(() => made.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      made.destroy();
      chart.current = null;
    };
  }, [shape, unit, rightUnit]);

  return <div ref={box} className="live-chart" role="img" aria-label={label} aria-describedby={describedBy} />;
}
