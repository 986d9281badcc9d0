import net from "node:net";
import type { QueryOptions, Results } from "@electric-sql/pglite";
import { inForeground } from "@/lib/system/foreground";
import { fromWireError, readFrames, writeFrame, type Call, type Reply, type WireQueryOptions } from "./frames";

type PendingCall = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Distributes Omit over the union of calls, so each keeps its own fields. */
type CallBody = Call extends infer C ? (C extends Call ? Omit<C, "id"> : never) : never;

export type RemoteTransaction = {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
  rollback(): Promise<void>;
  readonly closed: boolean;
};

/**
 * The embedded database as another Kiln process on the machine serves it (db/remote/host.ts): the
 * subset of PGlite's interface that drizzle's PGlite driver and db/client.ts use (query, exec,
 * transaction, close), over one Unix socket, with calls matched to replies by id.
 */
export class RemotePGlite {
  #socket: net.Socket | null = null;
  #connecting: Promise<net.Socket> | null = null;
  #pending = new Map<number, PendingCall>();
  #nextId = 1;
  #closed = false;
  #foreground = false;

  constructor(readonly socketPath: string) {}

  /** Connects, retrying while the owner process starts (it migrates first), up to timeoutMs. */
  static async connect(socketPath: string, timeoutMs = 120_000): Promise<RemotePGlite> {
    const client = new RemotePGlite(socketPath);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await client.#open();
        return client;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(
            `The embedded database's host did not answer at ${socketPath} within ${Math.round(timeoutMs / 1000)} s: is the database process (npm start, or KILN_ROLE=database tsx scripts/database.ts) running?`,
            { cause: error },
          );
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async query<T>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    return (await this.#call({ op: "query", sql, params, options: wireOptions(options), ...forPage() })) as Results<T>;
  }

  async exec(sql: string, options?: QueryOptions): Promise<Results[]> {
    return (await this.#call({ op: "exec", sql, options: wireOptions(options), ...forPage() })) as Results[];
  }

  async transaction<T>(fn: (tx: RemoteTransaction) => Promise<T>): Promise<T> {
    const id = this.#nextId++;
    // Not awaited: the host queues the transaction's calls behind its begin, so the first statement
    // travels with it and the transaction holds the database one round trip less (while the host
    // runs a transaction, it waits on this process for every next call). A failed begin fails them.
    // The begin and the statements started with it leave in one write (frames.ts), so the host's
    // hold starts with all of them at hand.
    const begun = this.#call({ op: "begin", tx: id, ...forPage() });
    begun.catch(() => undefined);
    const inTransaction = async (body: CallBody) => (await Promise.all([begun, this.#call(body)]))[1];
    let closed = false;
    const ensureOpen = () => {
      if (closed) throw new Error("Transaction is closed");
    };
    const tx: RemoteTransaction = {
      query: async <R>(sql: string, params: unknown[] = [], options?: QueryOptions) => {
        ensureOpen();
        return (await inTransaction({ op: "query", tx: id, sql, params, options: wireOptions(options) })) as Results<R>;
      },
      exec: async (sql: string, options?: QueryOptions) => {
        ensureOpen();
        return (await inTransaction({ op: "exec", tx: id, sql, options: wireOptions(options) })) as Results[];
      },
      rollback: async () => {
        ensureOpen();
        closed = true;
        await inTransaction({ op: "rollback", tx: id });
      },
      get closed() {
        return closed;
      },
    };
    try {
      const result = await fn(tx);
      if (!closed) {
        closed = true;
        await inTransaction({ op: "commit", tx: id });
      }
      return result;
    } catch (error) {
      if (!closed) {
        closed = true;
        await inTransaction({ op: "rollback", tx: id }).catch(() => undefined);
      }
      throw error;
    }
  }

  /** Takes a lock for as long as this connection lives (see frames.ts); false while another holds it. */
  async tryLock(key: number): Promise<boolean> {
    return (await this.#call({ op: "lock", key })) === true;
  }

  /** Whether this connection still holds the lock (false once the connection was lost). */
  async holdsLock(key: number): Promise<boolean> {
    if (!this.#connected()) return false;
    return (await this.#call({ op: "holds", key })) === true;
  }

  /**
   * Tells the host whether this process is answering people's requests (pages first): while it is,
   * the other processes' calls wait for this one's. Not awaited by callers; a lost connection loses it.
   */
  async setForeground(busy: boolean): Promise<void> {
    this.#foreground = busy;
    await this.#call({ op: "foreground", busy });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const socket = this.#socket;
    this.#socket = null;
    if (socket && !socket.destroyed) await new Promise<void>((resolve) => socket.end(() => resolve()));
  }

  #call(body: CallBody): Promise<unknown> {
    // Written at once while connected, so calls leave in the order they were made (db/together.ts).
    const socket = this.#connected();
    if (socket) return this.#send(socket, body);
    return this.#open().then((opened) => this.#send(opened, body));
  }

  #connected(): net.Socket | null {
    return this.#socket && !this.#socket.destroyed ? this.#socket : null;
  }

  #send(socket: net.Socket, body: CallBody): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      writeFrame(socket, { ...body, id } as Call);
    });
  }

  #open(): Promise<net.Socket> {
    if (this.#closed) return Promise.reject(new Error("The database connection is closed."));
    const connected = this.#connected();
    if (connected) return Promise.resolve(connected);
    this.#connecting ??= new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect(this.socketPath);
      socket.once("connect", () => {
        socket.removeListener("error", reject);
        this.#socket = socket;
        this.#connecting = null;
        socket.on("error", () => undefined);
        socket.on("close", () => this.#lost(socket));
        readFrames(socket, (value) => this.#settle(value as Reply));
        // A reconnection mid-request: the new connection speaks for the pages in flight too.
        if (this.#foreground) writeFrame(socket, { id: this.#nextId++, op: "foreground", busy: true });
        resolve(socket);
      });
      socket.once("error", (error) => {
        this.#connecting = null;
        reject(error);
      });
    });
    return this.#connecting;
  }

  #settle(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(fromWireError(reply.error));
  }

  /** The host went away: every call in flight fails (the engine retries its step); the next call reconnects. */
  #lost(socket: net.Socket): void {
    if (this.#socket === socket) this.#socket = null;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) call.reject(new Error("The connection to the embedded database's host closed."));
  }
}

/** Marks an entry call made for a person's request, so the host runs it with the pages (frames.ts). */
function forPage(): { page?: true } {
  return inForeground() ? { page: true } : {};
}

/** PGlite's options minus what cannot cross a process boundary (functions), refused if it matters. */
function wireOptions(options: QueryOptions | undefined): WireQueryOptions {
  if (!options) return {};
  const { rowMode, parsers, ...rest } = options;
  const unsupported = Object.keys(rest).filter((key) => (rest as Record<string, unknown>)[key] !== undefined);
  if (unsupported.length)
    throw new Error(`Query options ${unsupported.join(", ")} are not supported by the embedded database's host.`);
  const rawTypes: number[] = [];
  for (const [oid, parse] of Object.entries(parsers ?? {})) {
    if (parse("2026-01-02 03:04:05", Number(oid)) !== "2026-01-02 03:04:05")
      throw new Error(`A custom parser for type ${oid} cannot cross to the embedded database's host.`);
    rawTypes.push(Number(oid));
  }
  return { ...(rowMode ? { rowMode } : {}), ...(rawTypes.length ? { rawTypes } : {}) };
}
