/** Latency samples in milliseconds, with the percentiles the report shows. */
export class Samples {
  private values: number[] = [];
  private sorted = true;

  add(value: number): void {
    this.values.push(value);
    this.sorted = false;
  }

  get count(): number {
    return this.values.length;
  }

  /** Nearest-rank percentile; null when there is no sample. */
  percentile(p: number): number | null {
    if (this.values.length === 0) return null;
    if (!this.sorted) {
      this.values.sort((a, b) => a - b);
      this.sorted = true;
    }
    const rank = Math.ceil((p / 100) * this.values.length);
    return this.values[Math.min(this.values.length - 1, Math.max(0, rank - 1))] ?? null;
  }

  get p50(): number | null {
    return this.percentile(50);
  }

  get p99(): number | null {
    return this.percentile(99);
  }

  get max(): number | null {
    return this.percentile(100);
  }
}
