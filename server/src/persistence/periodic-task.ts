/**
 * Runs `task` every `intervalMs`, never twice at once: a slow run makes the next one
 * wait rather than pile up. `stop` waits for a run in progress.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    private readonly task: () => Promise<void>,
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
    this.running = this.task()
      .catch((error: unknown) => this.log(`${this.name} failed`, error))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.running !== null) await this.running;
  }
}
