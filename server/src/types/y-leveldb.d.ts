// y-leveldb ships typings, but its package.json "exports" does not point at them, so
// TypeScript cannot find them. These are the parts we use, as in its dist/src/y-leveldb.d.ts.
declare module "y-leveldb" {
  import type * as Y from "yjs";
  export class LeveldbPersistence {
    constructor(location: string, options?: { levelOptions?: object });
    storeUpdate(docName: string, update: Uint8Array): Promise<number>;
    clearDocument(docName: string): Promise<void>;
    getAllDocNames(): Promise<string[]>;
    getYDoc(docName: string): Promise<Y.Doc>;
    destroy(): Promise<void>;
  }
  export function getLevelUpdates(db: unknown, docName: string): Promise<Uint8Array[]>;
  export function getCurrentUpdateClock(db: unknown, docName: string): Promise<number>;
  /** Its LevelDB key encoding: arrays of tagged strings and big-endian uint32s. */
  export const keyEncoding: {
    encode(key: Array<string | number>): Buffer;
    decode(bytes: Uint8Array): Array<string | number>;
  };
}
