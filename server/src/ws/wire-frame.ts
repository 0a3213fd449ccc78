/**
 * A whole WebSocket binary message as a server sends it (RFC 6455 §5.2: FIN, binary opcode,
 * no mask), header and payload in one buffer. ws builds a header per `send` and writes it
 * and the payload separately; a broadcast built once this way is the same bytes for every
 * recipient, one buffer and one write per socket.
 */
export function wireFrame(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(wireFrameLength(payload));
  writeWireFrame(frame, 0, payload);
  return frame;
}

/**
 * Several messages framed back to back in one buffer, for one plain write: a socket's
 * writes of a turn are usually an edit and its cursor, tens of bytes each, and copying them
 * costs less than a corked write of several buffers (a stream entry, a callback and a
 * `writev` request per buffer, all garbage for the collector).
 */
export function wireFrames(payloads: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const payload of payloads) length += wireFrameLength(payload);
  const frames = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const payload of payloads) offset = writeWireFrame(frames, offset, payload);
  return frames;
}

/** Bytes of a payload's whole frame: header and payload. */
function wireFrameLength(payload: Uint8Array): number {
  return headerLength(payload.byteLength) + payload.byteLength;
}

function headerLength(payloadLength: number): number {
  return payloadLength < 126 ? 2 : payloadLength < 65_536 ? 4 : 10;
}

/** Writes a payload's frame into `target` at `offset`; returns the offset after it. */
function writeWireFrame(target: Buffer, offset: number, payload: Uint8Array): number {
  const length = payload.byteLength;
  target[offset] = 0x82; // FIN + binary
  if (length < 126) {
    target[offset + 1] = length;
  } else if (length < 65_536) {
    target[offset + 1] = 126;
    target.writeUInt16BE(length, offset + 2);
  } else {
    target[offset + 1] = 127;
    target.writeUInt32BE(Math.floor(length / 2 ** 32), offset + 2);
    target.writeUInt32BE(length % 2 ** 32, offset + 6);
  }
  const headerBytes = headerLength(length);
  target.set(payload, offset + headerBytes);
  return offset + headerBytes + length;
}
