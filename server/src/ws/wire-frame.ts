/**
 * A whole WebSocket binary message as a server sends it (RFC 6455 §5.2: FIN, binary opcode,
 * no mask), header and payload in one buffer. ws builds a header per `send` and writes it
 * and the payload separately; a broadcast built once this way is the same bytes for every
 * recipient, one buffer and one write per socket.
 */
export function wireFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = 0x82; // FIN + binary
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length % 2 ** 32, 6);
  }
  frame.set(payload, headerBytes);
  return frame;
}
