import assert from "node:assert/strict";
import { test } from "node:test";
import * as encoding from "lib0/encoding";
import { MessageType, SyncMessageType } from "@codepad/shared";
import {
  decodeClientMessage,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
} from "../src/ws/frames.ts";

/** The frame as y-protocols builds it, with lib0's encoder. */
function lib0Frame(types: number[], payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  for (const type of types) encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** Payload lengths at every varuint length boundary (1 to 4 bytes). */
const LENGTHS = [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152];

test("frames are byte for byte what lib0's encoder makes, for every varuint length", () => {
  for (const length of LENGTHS) {
    const payload = Uint8Array.from({ length }, (_, i) => i % 251);
    const cases: [Uint8Array, number[]][] = [
      [encodeSyncStep1(payload), [MessageType.sync, SyncMessageType.step1]],
      [encodeSyncStep2(payload), [MessageType.sync, SyncMessageType.step2]],
      [encodeUpdate(payload), [MessageType.sync, SyncMessageType.update]],
      [encodeAwareness(payload), [MessageType.awareness]],
    ];
    for (const [frame, types] of cases) {
      assert.deepEqual(
        frame,
        lib0Frame(types, payload),
        `types ${types.join(",")}, ${length} bytes`,
      );
    }
  }
});

test("an encoded update decodes back to its payload", () => {
  const payload = Uint8Array.from([1, 2, 3]);
  assert.deepEqual(decodeClientMessage(encodeUpdate(payload)), { kind: "update", update: payload });
  assert.deepEqual(decodeClientMessage(encodeAwareness(payload)), {
    kind: "awareness",
    update: payload,
  });
});
