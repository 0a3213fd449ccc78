import { keyEncoding } from "y-leveldb";

/**
 * The LevelDB keys of the update log, as bytes in y-leveldb's layout
 * (`["v1", padId, "update", clock]`: tagged strings, then a tagged big-endian uint32), built
 * without y-leveldb's generic key encoder on the hot path.
 *
 * The encoder builds every key from scratch through a lib0 encoder and two copies, and
 * LevelDB then runs it through its transcoder once more; at 10,000 clients that was a tenth
 * of the update log's main-thread time. Here y-leveldb's own encoder builds one template
 * per pad (so the layout stays y-leveldb's), and each key is that template with the clock
 * written into its last four bytes: 20 appends went from 103–115 µs to 56–71 µs of main
 * thread (microbenchmark, classic-level 1.4).
 *
 * Keys built here are Buffers: the batch that writes them must say `keyEncoding: "buffer"`.
 */
export class UpdateLogKeys {
  /**
   * The key of clock 0 of each pad with a log being written to. Its own small ArrayBuffer,
   * not a slice of Node's shared 8 KB pool: a cached slice would keep its whole slab alive.
   */
  private readonly templates = new Map<string, Uint8Array>();

  /** The key of one log entry. */
  update(padId: string, clock: number): Buffer {
    let template = this.templates.get(padId);
    if (template === undefined) {
      template = new Uint8Array(keyEncoding.encode(["v1", padId, "update", 0]));
      this.templates.set(padId, template);
    }
    // Pooled: LevelDB copies keys into its batch before `batch()` returns.
    const key = Buffer.allocUnsafe(template.length);
    key.set(template);
    key.writeUInt32BE(clock, template.length - 4);
    return key;
  }

  /** The key under which y-leveldb keeps a pad's state vector (and lists the pad). */
  stateVector(padId: string): Buffer {
    return keyEncoding.encode(["v1_sv", padId]);
  }

  /** Forgets a pad's template (its log is empty or gone); the next key builds it again. */
  forget(padId: string): void {
    this.templates.delete(padId);
  }
}
