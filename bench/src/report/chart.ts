import { formatNumber } from "./format.ts";
import { toRows, type Measurement, type Row } from "./results.ts";
import { el, svgDocument, text } from "./svg.ts";

const COLORS: Record<string, string> = {
  codepad: "#d62728",
  reference: "#1f77b4",
  hocuspocus: "#2ca02c",
  "hocuspocus-sqlite": "#9467bd",
  relay: "#7f7f7f",
};

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Series {
  name: string;
  points: [number, number][];
}

/**
 * Three panels: edit p99 against clients on one pad, edit p99 against clients in pads of
 * four, and accepted updates/s per target. Log scales: the targets differ by orders.
 */
export function renderChart(measurements: Measurement[], targets: string[]): string {
  const rows = toRows(measurements);
  const onePad = latencySeries(rows, targets, (group) => {
    const match = /^busy pad, (\d+) clients$/.exec(group);
    return match === null ? null : Number(match[1]);
  });
  const manyPads = latencySeries(rows, targets, (group) => {
    const pads = /^(\d+) pads × 4 clients$/.exec(group);
    if (pads !== null) return Number(pads[1]) * 4;
    const scale = /^scale, (\d+) clients$/.exec(group);
    return scale === null ? null : Number(scale[1]);
  });
  const throughput = rows.find((row) => row.metric === "updates/s accepted");
  const bars = targets.map((target) => ({
    name: target,
    value: throughput?.cells.get(target)?.median ?? null,
  }));

  const panelWidth = 400;
  const height = 380;
  const body = [
    lineChart("1 pad: edit latency p99 (ms) vs clients", onePad, {
      x: 60,
      y: 40,
      width: panelWidth - 90,
      height: 260,
    }),
    lineChart("pads of 4 clients: edit p99 (ms) vs clients", manyPads, {
      x: panelWidth + 60,
      y: 40,
      width: panelWidth - 90,
      height: 260,
    }),
    barChart("throughput: updates/s accepted", bars, {
      x: 2 * panelWidth + 60,
      y: 40,
      width: panelWidth - 80,
      height: 260,
    }),
    legend(targets, 60, height - 30),
  ].join("\n");
  return svgDocument(3 * panelWidth, height, body);
}

function latencySeries(
  rows: Row[],
  targets: string[],
  clientsOf: (group: string) => number | null,
): Series[] {
  const p99Rows = rows.filter((row) => row.metric === "edit latency p99");
  return targets.map((target) => {
    const points: [number, number][] = [];
    for (const row of p99Rows) {
      const clients = clientsOf(row.group);
      const value = row.cells.get(target)?.median;
      if (clients !== null && value !== null && value !== undefined && value > 0) {
        points.push([clients, value]);
      }
    }
    points.sort((a, b) => a[0] - b[0]);
    return { name: target, points };
  });
}

/** Log10 axis bounds that hold every value, on whole decades. */
function decades(values: number[]): [number, number] {
  const logs = values.filter((v) => v > 0).map(Math.log10);
  if (logs.length === 0) return [0, 1];
  const low = Math.floor(Math.min(...logs));
  const high = Math.ceil(Math.max(...logs));
  return [low, high === low ? low + 1 : high];
}

function lineChart(title: string, series: Series[], box: Box): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = decades(xs);
  const [y0, y1] = decades(ys);
  const px = (x: number) => box.x + ((Math.log10(x) - x0) / (x1 - x0)) * box.width;
  const py = (y: number) => box.y + box.height - ((Math.log10(y) - y0) / (y1 - y0)) * box.height;
  const parts = [text(box.x, box.y - 15, title, { "font-weight": "bold" }), frame(box)];
  parts.push(...logYAxis(box, y0, y1, py));
  for (let d = x0; d <= x1; d++) {
    const x = px(10 ** d);
    parts.push(gridLine(x, box.y, x, box.y + box.height));
    parts.push(
      text(x, box.y + box.height + 16, formatNumber(10 ** d), { "text-anchor": "middle" }),
    );
  }
  parts.push(
    text(box.x + box.width / 2, box.y + box.height + 34, "clients", { "text-anchor": "middle" }),
  );
  for (const s of series) {
    if (s.points.length === 0) continue;
    const color = COLORS[s.name] ?? "black";
    const d = s.points.map(
      ([x, y], i) => `${i === 0 ? "M" : "L"}${px(x).toFixed(1)},${py(y).toFixed(1)}`,
    );
    parts.push(el("path", { d: d.join(" "), fill: "none", stroke: color, "stroke-width": 2 }));
    for (const [x, y] of s.points) {
      parts.push(el("circle", { cx: px(x).toFixed(1), cy: py(y).toFixed(1), r: 3, fill: color }));
    }
  }
  return parts.join("\n");
}

/** Grid lines and labels of a log-scale y axis, one per decade from 10^y0 to 10^y1. */
function logYAxis(box: Box, y0: number, y1: number, py: (y: number) => number): string[] {
  const parts: string[] = [];
  for (let d = y0; d <= y1; d++) {
    const y = py(10 ** d);
    parts.push(gridLine(box.x, y, box.x + box.width, y));
    parts.push(text(box.x - 6, y + 4, formatNumber(10 ** d), { "text-anchor": "end" }));
  }
  return parts;
}

function barChart(title: string, bars: { name: string; value: number | null }[], box: Box): string {
  const values = bars.map((b) => b.value ?? 0).filter((v) => v > 0);
  const [y0, y1] = decades(values);
  const py = (y: number) => box.y + box.height - ((Math.log10(y) - y0) / (y1 - y0)) * box.height;
  const parts = [text(box.x, box.y - 15, title, { "font-weight": "bold" }), frame(box)];
  parts.push(...logYAxis(box, y0, y1, py));
  const slot = box.width / Math.max(1, bars.length);
  bars.forEach((bar, i) => {
    const x = box.x + i * slot + slot * 0.15;
    const color = COLORS[bar.name] ?? "black";
    if (bar.value !== null && bar.value > 0) {
      const top = py(bar.value);
      parts.push(
        el("rect", {
          x: x.toFixed(1),
          y: top.toFixed(1),
          width: (slot * 0.7).toFixed(1),
          height: (box.y + box.height - top).toFixed(1),
          fill: color,
        }),
      );
      parts.push(
        text(x + slot * 0.35, top - 4, formatNumber(bar.value), {
          "text-anchor": "middle",
          "font-size": 10,
        }),
      );
    } else {
      parts.push(
        text(x + slot * 0.35, box.y + box.height - 4, "n/a", {
          "text-anchor": "middle",
          "font-size": 10,
        }),
      );
    }
  });
  return parts.join("\n");
}

function legend(targets: string[], x: number, y: number): string {
  return targets
    .map((target, i) => {
      const left = x + i * 160;
      return (
        el("rect", { x: left, y: y - 10, width: 14, height: 10, fill: COLORS[target] ?? "black" }) +
        text(left + 20, y, target)
      );
    })
    .join("\n");
}

const frame = (box: Box) =>
  el("rect", {
    x: box.x,
    y: box.y,
    width: box.width,
    height: box.height,
    fill: "none",
    stroke: "#999",
  });

const gridLine = (x1: number, y1: number, x2: number, y2: number) =>
  el("line", {
    x1: x1.toFixed(1),
    y1: y1.toFixed(1),
    x2: x2.toFixed(1),
    y2: y2.toFixed(1),
    stroke: "#eee",
  });
