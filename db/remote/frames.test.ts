import type { Socket } from "node:net";
import { Writable } from "node:stream";
import { deserialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { writeFrame } from "./frames";

/** A socket stand-in that records each write that would reach the kernel (one syscall each). */
function recordingSocket() {
  const writes: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk);
      done();
    },
    writev(chunks, done) {
      writes.push(Buffer.concat(chunks.map((c) => c.chunk as Buffer)));
      done();
    },
  });
  return { socket: sink as unknown as Socket, writes };
}

function framesIn(bytes: Buffer): unknown[] {
  const out: unknown[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = bytes.readUInt32BE(at);
    out.push(deserialize(bytes.subarray(at + 4, at + 4 + size)));
    at += 4 + size;
  }
  return out;
}

describe("writeFrame", () => {
  it("sends the frames written in one run of code in one write, in order, when that run ends", async () => {
    const { socket, writes } = recordingSocket();
    writeFrame(socket, { id: 1, op: "begin", tx: 7 });
    writeFrame(socket, { id: 2, op: "query", tx: 7, sql: "select 1", params: [], options: {} });
    writeFrame(socket, { id: 3, op: "commit", tx: 7 });
    expect(writes).toHaveLength(0);
    await new Promise((r) => process.nextTick(r));
    expect(writes).toHaveLength(1);
    expect(framesIn(writes[0]!)).toEqual([
      { id: 1, op: "begin", tx: 7 },
      { id: 2, op: "query", tx: 7, sql: "select 1", params: [], options: {} },
      { id: 3, op: "commit", tx: 7 },
    ]);
    // A later run of code makes its own write.
    writeFrame(socket, { id: 4, op: "holds", key: 1 });
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(2);
    expect(framesIn(writes[1]!)).toEqual([{ id: 4, op: "holds", key: 1 }]);
  });
});
