/** Which way is better for a metric. */
export type Better = "lower" | "higher";

/** One number measured in one run of one scenario on one target. */
export interface Measurement {
  scenario: string;
  /** The row group of the report, e.g. "busy pad, 100 clients". */
  group: string;
  metric: string;
  unit: string;
  better: Better;
  target: string;
  /** 1-based repetition. */
  run: number;
  /** null: not measured, and `note` says why. */
  value: number | null;
  note?: string | undefined;
}

/** All runs of one row and one target. */
export interface Cell {
  /** Median of the runs that measured something. */
  median: number | null;
  min: number | null;
  max: number | null;
  runs: number;
  notes: string[];
}

export interface Row {
  group: string;
  metric: string;
  unit: string;
  better: Better;
  cells: Map<string, Cell>;
}

/** Rows in the order they were first measured, each with one cell per target. */
export function toRows(measurements: Measurement[]): Row[] {
  const rows = new Map<string, Row>();
  const values = new Map<string, { values: number[]; notes: Set<string>; runs: number }>();
  for (const m of measurements) {
    const rowKey = `${m.group}\u0000${m.metric}`;
    let row = rows.get(rowKey);
    if (row === undefined) {
      row = { group: m.group, metric: m.metric, unit: m.unit, better: m.better, cells: new Map() };
      rows.set(rowKey, row);
    }
    const cellKey = `${rowKey}\u0000${m.target}`;
    let cell = values.get(cellKey);
    if (cell === undefined) {
      cell = { values: [], notes: new Set(), runs: 0 };
      values.set(cellKey, cell);
    }
    cell.runs++;
    if (m.value !== null && Number.isFinite(m.value)) cell.values.push(m.value);
    if (m.note !== undefined) cell.notes.add(m.note);
    const sorted = [...cell.values].sort((a, b) => a - b);
    row.cells.set(m.target, {
      median: median(sorted),
      min: sorted[0] ?? null,
      max: sorted[sorted.length - 1] ?? null,
      runs: cell.runs,
      notes: [...cell.notes],
    });
  }
  return [...rows.values()];
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? null)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Codepad's median over the best peer's (the relay is the ceiling, not a peer). For
 * "lower is better" rows below 1 means Codepad is ahead; for "higher", above 1.
 */
export function ratioToBestPeer(row: Row, peers: string[]): number | null {
  const codepad = row.cells.get("codepad")?.median ?? null;
  const peerValues = peers
    .map((peer) => row.cells.get(peer)?.median)
    .filter((value): value is number => value !== null && value !== undefined);
  if (codepad === null || peerValues.length === 0) return null;
  const best = row.better === "lower" ? Math.min(...peerValues) : Math.max(...peerValues);
  if (best === 0) return codepad === 0 ? 1 : null;
  return codepad / best;
}
