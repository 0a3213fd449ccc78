/**
 * Runs `task` every `intervalMs`, never twice at once: a slow run makes the next one
 * wait rather than pile up. `stop` aborts the signal the task was given (a task that paces
 * itself finishes at full speed) and waits for the run in progress.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private readonly stopping = new AbortController();

  constructor(
    private readonly task: (signal: AbortSignal) => Promise<void>,
    private readonly intervalMs: number,
    private readonly log: (message: string, error?: unknown) => void,
    private readonly name: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  async runOnce(): Promise<void> {
    if (this.running !== null) return this.running;
    this.running = this.task(this.stopping.signal)
      .catch((error: unknown) => this.log(`${this.name} failed`, error))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    if (this.running !== null) await this.running;
  }
}
