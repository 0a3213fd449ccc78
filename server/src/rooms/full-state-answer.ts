import * as Y from "yjs";

/**
 * Documents at least this large keep their whole-state encoding between changes. Below it,
 * encoding is cheap (tens of microseconds for 10 KB) and a kept copy would cost every idle
 * pad memory for nothing.
 */
const KEEP_FROM_BYTES = 64 * 1024;

/**
 * The sync step 2 answer of one live document: what a client lacks, given its state vector.
 *
 * A client that has nothing yet (a new tab: an empty state vector) gets the whole document,
 * and encoding a 1 MiB pad took 2.9 ms of the event loop per such client. For a large
 * document that encoding is kept and sent to every new client until the document changes:
 * any transaction on it (an update applied, pending or not; a deletion, which leaves the
 * state vector as it was; a change the server makes) drops it, so the next new client gets
 * a fresh encoding. A client that has some state always gets its own difference.
 */
export class FullStateAnswer {
  private whole: Uint8Array | null = null;
  private readonly forget = (): void => {
    this.whole = null;
  };

  constructor(private readonly doc: Y.Doc) {
    doc.on("afterTransaction", this.forget);
  }

  /**
   * Takes `whole`, an encoding of the whole document as it is now (the snapshot it was
   * just read from), as the answer for new clients. A pad read back from storage, after a
   * restart or when its room wakes, then costs its first client no encoding: 9 ms for a
   * 1 MiB pad in a fresh process, whose code V8 has not optimized yet.
   */
  seed(whole: Uint8Array): void {
    if (whole.length >= KEEP_FROM_BYTES) this.whole = whole;
  }

  /** The update that brings a client with `stateVector` up to date. */
  for(stateVector: Uint8Array): Uint8Array {
    if (!isEmptyStateVector(stateVector)) return Y.encodeStateAsUpdate(this.doc, stateVector);
    if (this.whole !== null) return this.whole;
    const whole = Y.encodeStateAsUpdate(this.doc);
    if (whole.length >= KEEP_FROM_BYTES) this.whole = whole;
    return whole;
  }

  /** Stops following the document (it is being let go of) and drops what is kept. */
  dispose(): void {
    this.doc.off("afterTransaction", this.forget);
    this.whole = null;
  }
}

/** An encoded state vector without any client: `Y.encodeStateVector` of an empty doc. */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.length === 1 && stateVector[0] === 0;
}
