// y-leveldb ships typings, but its package.json "exports" does not point at them, so
// TypeScript cannot find them. These are the parts the reference target uses.
declare module "y-leveldb" {
  import type { Doc } from "yjs";
  export class LeveldbPersistence {
    constructor(location: string, options?: { levelOptions?: object });
    getYDoc(docName: string): Promise<Doc>;
    storeUpdate(docName: string, update: Uint8Array): Promise<number>;
    destroy(): Promise<void>;
  }
}
