/**
 * How many messages one connection may send per second (WS_MESSAGE_RATE_MAX): a fixed
 * window that starts with the first message after the last one ran out. It lives on the
 * connection and allocates nothing: it is consulted for every frame of every client, and a
 * general-purpose limiter (a record, a timer and two promises per message and second) was
 * garbage that thousands of connections turned into collector pauses for everyone.
 */
export class MessageBudget {
  private windowStartedAt = -Infinity;
  /** In tenths of a point, so that echoes (a tenth each) add up without rounding error. */
  private spentTenths = 0;
  private readonly tenthsPerWindow: number;

  constructor(
    pointsPerWindow: number,
    private readonly windowMs = 1_000,
  ) {
    this.tenthsPerWindow = Math.round(pointsPerWindow * 10);
  }

  /** Spends `points` (a multiple of 0.1); false once this window's points are exceeded. */
  spend(points: number, now = performance.now()): boolean {
    if (now - this.windowStartedAt >= this.windowMs) {
      this.windowStartedAt = now;
      this.spentTenths = 0;
    }
    this.spentTenths += Math.round(points * 10);
    return this.spentTenths <= this.tenthsPerWindow;
  }
}
