/**
 * Turns of the event loop, for sharing reads fairly between sockets.
 *
 * libuv reads a readable socket up to 32 times (64 KiB each) before it polls the others.
 * A client that streams (50,000 one-key messages at once) thus had up to 2 MiB of frames
 * handled in one go, about 400 ms in which no other pad's key went through. A connection
 * that has read more than its share in one turn pauses its socket until the next turn
 * (see `Connection`), so others get theirs in between.
 */
export class ReadTurns {
  private turn = 0;
  private counting = false;

  /** The current turn's number; it changes once the loop has passed its check phase. */
  current(): number {
    if (!this.counting) {
      this.counting = true;
      setImmediate(this.nextTurn);
    }
    return this.turn;
  }

  private readonly nextTurn = (): void => {
    this.turn++;
    this.counting = false;
  };
}
