/**
 * WebSocket messages as a client puts them on the wire (RFC 6455 §5.2: FIN, binary opcode,
 * the mask bit a client must set, a zero masking key as PadClient uses), all of them in one
 * buffer. A scenario that measures how fast the server takes a flood frames it before its
 * clock starts: framing 50,000 messages through ws.send cost the load generator 250–400 ms,
 * during which the server had received nothing.
 */
export function clientWireFrames(payloads: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const payload of payloads) total += headerBytes(payload.byteLength) + payload.byteLength;
  const wire = Buffer.alloc(total); // zeroed: the masking keys stay 0
  let offset = 0;
  for (const payload of payloads) {
    const length = payload.byteLength;
    wire[offset] = 0x82; // FIN + binary
    if (length < 126) {
      wire[offset + 1] = 0x80 | length;
    } else if (length < 65_536) {
      wire[offset + 1] = 0x80 | 126;
      wire.writeUInt16BE(length, offset + 2);
    } else {
      wire[offset + 1] = 0x80 | 127;
      wire.writeBigUInt64BE(BigInt(length), offset + 2);
    }
    offset += headerBytes(length); // the key (4 zero bytes) ends the header
    wire.set(payload, offset);
    offset += length;
  }
  return wire;
}

function headerBytes(length: number): number {
  return (length < 126 ? 2 : length < 65_536 ? 4 : 10) + 4;
}
