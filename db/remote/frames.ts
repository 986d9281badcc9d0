import { deserialize, serialize } from "node:v8";
import type { Socket } from "node:net";

/**
 * Length-prefixed frames of V8-serialised values on a local socket (db/remote). V8's structured
 * serialisation carries what query results hold (Date, Uint8Array, bigint, null) without a JSON
 * round trip, and the peer is always the same Node.js build, so the format is the same on both sides.
 */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/**
 * Writes one frame. Frames written in one run of this process's code (up to its next wait for I/O)
 * leave in one write at its end: the statements a caller sends together (db/together.ts), a
 * transaction's begin with its first statements, the host's replies to them. Each write wakes the
 * peer, and on a busy machine the woken process (the database process is not niced; the worker is)
 * takes the core at once and finds only the first frame: under bench:pipeline that left the
 * database held and idle, waiting for the rest of a trip that was already on its way.
 */
export function writeFrame(socket: Socket, value: unknown): void {
  const body = serialize(value);
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  if (!socket.writableCorked) {
    socket.cork();
    process.nextTick(uncork, socket);
  }
  socket.write(head);
  socket.write(body);
}

function uncork(socket: Socket): void {
  socket.uncork();
}

/** Calls onFrame with each whole value read from the socket, in order. */
export function readFrames(socket: Socket, onFrame: (value: unknown) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4) {
      const size = pending.readUInt32BE(0);
      if (size > MAX_FRAME_BYTES) {
        socket.destroy(new Error(`A database frame of ${size} bytes is over the ${MAX_FRAME_BYTES}-byte limit.`));
        return;
      }
      if (pending.length < 4 + size) break;
      const body = pending.subarray(4, 4 + size);
      pending = pending.subarray(4 + size);
      onFrame(deserialize(body));
    }
  });
}

/**
 * The calls a process makes to the host of the embedded database. `page` marks an entry call (a
 * query or exec outside a transaction, or a begin) made for a person's request from a connection
 * that does not speak for pages (the runner's event API in a worker): it goes with the pages.
 */
export type Call =
  | { id: number; op: "query"; tx?: number; sql: string; params: unknown[]; options: WireQueryOptions; page?: true }
  | { id: number; op: "exec"; tx?: number; sql: string; options: WireQueryOptions; page?: true }
  | { id: number; op: "begin"; tx: number; page?: true }
  | { id: number; op: "commit"; tx: number }
  | { id: number; op: "rollback"; tx: number }
  /** A lock held by this connection until it closes, like PostgreSQL's session advisory lock: answers whether it was taken. */
  | { id: number; op: "lock"; key: number }
  /** Whether this connection holds the lock. */
  | { id: number; op: "holds"; key: number }
  /**
   * The web process tells the host that people's requests are being answered (busy) or that all are
   * (pages first): the other connections' calls wait for it. Answered with null.
   */
  | { id: number; op: "foreground"; busy: boolean };

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

/**
 * Query options that cross the socket. Functions cannot: PGlite's `parsers` option is sent as the
 * type ids whose text is kept as is (drizzle's only use of it); any other parser is refused.
 */
export type WireQueryOptions = { rowMode?: "array" | "object"; rawTypes?: number[] };

/** A database error with the fields callers inspect (code 23505 and the like). */
export type WireError = { message: string; name: string; fields: Record<string, unknown> };

const ERROR_FIELDS = [
  "code",
  "detail",
  "hint",
  "severity",
  "constraint",
  "table",
  "column",
  "schema",
  "dataType",
  "position",
  "where",
  "routine",
];

export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { message: String(error), name: "Error", fields: {} };
  const source = error as unknown as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const key of ERROR_FIELDS)
    if (source[key] !== undefined && typeof source[key] !== "function") fields[key] = source[key];
  return { message: error.message, name: error.name, fields };
}

export function fromWireError(wire: WireError): Error {
  const error = new Error(wire.message);
  error.name = wire.name;
  return Object.assign(error, wire.fields);
}
