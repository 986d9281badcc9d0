import { chmodSync, existsSync, unlinkSync } from "node:fs";
import net from "node:net";
import type { PGlite, QueryOptions, Transaction } from "@electric-sql/pglite";
import { BACKGROUND_MAX_WAIT_MS } from "@/lib/system/foreground";
import { readFrames, toWireError, writeFrame, type Call, type Reply, type WireQueryOptions } from "./frames";
import { PreparedStatements, type ProtocolClient } from "./prepared";

/** What the host needs of the embedded database: PGlite's own entry points (gated for pages first). */
export type HostedClient = Pick<PGlite, "query" | "exec" | "transaction"> & ProtocolClient;

/**
 * One entry call as the host ran it, for KILN_DB_TRACE (lib/system/database-process.ts): who asked
 * (a page connection or another), what (a query, an exec, or a transaction with its statements),
 * how long it waited for its turn and how long it held the database. For a transaction, busyMs is
 * the time PGlite spent in its statements; the rest of heldMs went to round trips to the caller.
 */
export type HoldTrace = {
  page: boolean;
  kind: "query" | "exec" | "transaction";
  waitedMs: number;
  heldMs: number;
  busyMs: number;
  statements: number;
  /** Times a transaction had to wait for its caller's next call (round trips inside the hold). */
  callerWaits: number;
  /** A query's SQL; a transaction's statements as `[PGlite ms] sql | …` (each cut at 120 characters). */
  sql: string;
};

export type DatabaseHost = {
  socketPath: string;
  /** Processes connected now. */
  connections(): number;
  /** Waits until every connected process has gone (their own shutdown closes them) or the deadline. */
  drain(deadline: number): Promise<boolean>;
  close(): Promise<void>;
};

/**
 * After a web process's last page ends, background calls wait this much longer: a browser's page
 * load is a burst of requests (the document, then its data), and a background transaction that
 * starts in the gap would hold the database while the next request of the burst waits.
 */
export const PAGES_LINGER_MS = 30;

/**
 * Serves the embedded PGlite of this process to Kiln's other processes on one machine, over a Unix
 * socket only the same OS user can open (docs/decisions/0027-embedded-database-host.md). Each call
 * is a query, an exec, or a step of a transaction; a transaction holds the database for its
 * connection until it commits or rolls back, as PGlite's own transaction does in one process, and a
 * connection that closes mid-transaction rolls it back.
 */
export async function serveEmbeddedDatabase(
  client: HostedClient,
  socketPath: string,
  options: { maxWaitMs?: number; lingerMs?: number; trace?: (entry: HoldTrace) => void } = {},
): Promise<DatabaseHost> {
  await refuseIfServed(socketPath);
  const sockets = new Set<net.Socket>();
  const locks: SessionLocks = new Map();
  const prepared = new PreparedStatements(client);
  const pages = new PagesFirst(
    options.maxWaitMs ?? BACKGROUND_MAX_WAIT_MS,
    options.lingerMs ?? PAGES_LINGER_MS,
    options.trace,
  );
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      for (const [key, holder] of locks) if (holder === socket) locks.delete(key);
      pages.gone(socket);
    });
    serveConnection(client, prepared, socket, locks, pages);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  return {
    socketPath,
    connections: () => sockets.size,
    async drain(deadline) {
      while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return sockets.size === 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A live host on the path means another process owns this database: opening it twice corrupts it. */
async function refuseIfServed(socketPath: string): Promise<void> {
  if (!existsSync(socketPath)) return;
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (live)
    throw new Error(
      `Another process already serves the embedded database at ${socketPath}; stop it first (one process owns PGlite's data folder).`,
    );
  unlinkSync(socketPath);
}

/**
 * Pages first across processes (docs/decisions/0025, 0027). PGlite answers one call at a time, so
 * the host hands it one entry call at a time (a query or exec outside a transaction, or a whole
 * transaction from begin to its end) and chooses which: a page connection's call (one that has sent
 * a foreground call), or a call marked `page` (made for a person's request on another connection),
 * before anyone else's, so a page waits behind at most the one call or transaction already running,
 * never behind a queue of background work. While a web process says
 * people's requests are in flight, and for lingerMs after the last one, the other connections' calls
 * wait, at most maxWaitMs each, so background work always moves on. Calls inside an open
 * transaction go straight to it.
 */
class PagesFirst {
  /** Connections that speak for pages (they have sent a foreground call). */
  #pageConnections = new Set<net.Socket>();
  #busy = new Set<net.Socket>();
  #pageQueue: Array<() => Promise<unknown>> = [];
  #backgroundQueue: Array<{ run: () => Promise<unknown>; since: number }> = [];
  #running = false;
  #timer: NodeJS.Timeout | null = null;
  /** Until when background calls still wait after the last page ended (pages come in bursts). */
  #lingerUntil = 0;

  constructor(
    readonly maxWaitMs: number,
    readonly lingerMs: number,
    readonly trace?: (entry: HoldTrace) => void,
  ) {}

  set(socket: net.Socket, busy: boolean): void {
    this.#pageConnections.add(socket);
    if (busy) this.#busy.add(socket);
    else if (this.#busy.delete(socket) && this.#busy.size === 0) this.#lingerUntil = Date.now() + this.lingerMs;
    this.#next();
  }

  gone(socket: net.Socket): void {
    this.#pageConnections.delete(socket);
    this.#busy.delete(socket);
    this.#next();
  }

  /**
   * Runs `work` when this connection's turn comes; it holds the database until its promise settles.
   * With a trace, `work` gets a Hold to count its statements in.
   */
  schedule(
    socket: net.Socket,
    kind: HoldTrace["kind"],
    sql: string,
    work: (hold: Hold) => Promise<unknown>,
    forPage = false,
  ): void {
    const page = forPage || this.#pageConnections.has(socket);
    const queued = performance.now();
    const trace = this.trace;
    const run = trace
      ? () => {
          const hold: Hold = { busyMs: 0, statements: 0, callerWaits: 0, sql };
          const started = performance.now();
          return work(hold).finally(() => {
            const heldMs = performance.now() - started;
            trace({
              page,
              kind,
              waitedMs: started - queued,
              heldMs,
              busyMs: kind === "transaction" ? hold.busyMs : heldMs,
              statements: kind === "transaction" ? hold.statements : 1,
              callerWaits: hold.callerWaits,
              sql: hold.sql.slice(0, TRACE_SQL_CHARS),
            });
          });
        }
      : () => work(NO_HOLD);
    if (page) this.#pageQueue.push(run);
    else this.#backgroundQueue.push({ run, since: Date.now() });
    this.#next();
  }

  #next(): void {
    if (this.#running) return;
    let work = this.#pageQueue.shift();
    if (!work) {
      const oldest = this.#backgroundQueue[0];
      if (!oldest) return;
      const now = Date.now();
      const untilPagesDone = this.#busy.size > 0 ? Infinity : this.#lingerUntil - now;
      const heldFor = Math.min(untilPagesDone, this.maxWaitMs - (now - oldest.since));
      if (heldFor > 0) {
        // Pages are in flight: look again when they are done (set) or when this call has waited enough.
        if (this.#timer) clearTimeout(this.#timer);
        this.#timer = setTimeout(() => {
          this.#timer = null;
          this.#next();
        }, heldFor);
        return;
      }
      work = this.#backgroundQueue.shift()!.run;
    }
    this.#running = true;
    void work()
      .catch(() => undefined)
      .finally(() => {
        this.#running = false;
        this.#next();
      });
  }
}

/** How much of a traced call's SQL is kept: a generation's 17-statement transaction fits. */
const TRACE_SQL_CHARS = 4000;

/** A transaction's statements as counted for the trace. */
type Hold = { busyMs: number; statements: number; callerWaits: number; sql: string };
const NO_HOLD: Hold = { busyMs: 0, statements: 0, callerWaits: 0, sql: "" };

type OpenTransaction = { inbox: Call[]; wake: (() => void) | null; ended: boolean };
/** Locks held by connections (the embedded runner's "one per database"), released when the connection closes. */
type SessionLocks = Map<number, net.Socket>;

function serveConnection(
  client: HostedClient,
  prepared: PreparedStatements,
  socket: net.Socket,
  locks: SessionLocks,
  pages: PagesFirst,
): void {
  const transactions = new Map<number, OpenTransaction>();
  const reply = (message: Reply) => {
    if (!socket.destroyed) writeFrame(socket, message);
  };
  const answer = (id: number, work: () => Promise<unknown>) =>
    work().then(
      (value) => reply({ id, ok: true, value }),
      (error: unknown) => reply({ id, ok: false, error: toWireError(error) }),
    );

  socket.on("close", () => {
    // Whatever the process was doing in a transaction is abandoned: roll it back.
    for (const [tx, open] of transactions) deliver(open, { id: -1, op: "rollback", tx });
  });
  socket.on("error", () => socket.destroy());

  readFrames(socket, (value) => {
    const call = value as Call;
    if (call.op === "begin") {
      // Registered now, so the transaction's own calls that arrive while it waits for pages queue in its inbox.
      const open: OpenTransaction = { inbox: [], wake: null, ended: false };
      transactions.set(call.tx, open);
      pages.schedule(
        socket,
        "transaction",
        "",
        (hold) => runTransaction(client, prepared, call, open, reply, hold).finally(() => transactions.delete(call.tx)),
        call.page,
      );
      return;
    }
    if ("tx" in call && call.tx !== undefined) {
      const open = transactions.get(call.tx);
      if (open) deliver(open, call);
      else reply({ id: call.id, ok: false, error: { name: "Error", message: "Transaction is closed", fields: {} } });
      return;
    }
    if (call.op === "lock") {
      const holder = locks.get(call.key);
      if (!holder) locks.set(call.key, socket);
      reply({ id: call.id, ok: true, value: !holder || holder === socket });
    } else if (call.op === "holds") reply({ id: call.id, ok: true, value: locks.get(call.key) === socket });
    else if (call.op === "foreground") {
      pages.set(socket, call.busy);
      reply({ id: call.id, ok: true, value: null });
    } else if (call.op === "query")
      pages.schedule(
        socket,
        "query",
        call.sql,
        () => answer(call.id, () => prepared.query(call.sql, call.params, queryOptions(call.options))),
        call.page,
      );
    else if (call.op === "exec")
      pages.schedule(
        socket,
        "exec",
        call.sql,
        () => answer(call.id, () => client.exec(call.sql, queryOptions(call.options)).finally(() => prepared.clear())),
        call.page,
      );
    else
      reply({
        id: call.id,
        ok: false,
        error: { name: "Error", message: `Unknown call ${String(call.op)}`, fields: {} },
      });
  });
}

function deliver(open: OpenTransaction, call: Call): void {
  if (open.ended) return;
  open.inbox.push(call);
  open.wake?.();
}

function nextCall(open: OpenTransaction, hold: Hold): Promise<Call> {
  const ready = open.inbox.shift();
  if (ready) return Promise.resolve(ready);
  if (hold !== NO_HOLD) hold.callerWaits++;
  return new Promise((resolve) => {
    open.wake = () => {
      open.wake = null;
      resolve(open.inbox.shift()!);
    };
  });
}

class RollbackRequested extends Error {
  constructor(readonly callId: number) {
    super("rollback requested");
  }
}

/**
 * One remote transaction: PGlite's transaction() runs here and takes the calls sent for it, one by
 * one, until commit (its callback returns) or rollback (it throws, and PGlite rolls back).
 */
async function runTransaction(
  client: HostedClient,
  prepared: PreparedStatements,
  begin: Call & { op: "begin" },
  open: OpenTransaction,
  reply: (r: Reply) => void,
  hold: Hold,
): Promise<void> {
  let commitId = -1;
  try {
    await client.transaction(async (tx: Transaction) => {
      reply({ id: begin.id, ok: true, value: null });
      for (;;) {
        const call = await nextCall(open, hold);
        if (call.op === "commit") {
          commitId = call.id;
          return;
        }
        if (call.op === "rollback") throw new RollbackRequested(call.id);
        const started = hold === NO_HOLD ? 0 : performance.now();
        try {
          const value =
            call.op === "query"
              ? await prepared.query(call.sql, call.params, queryOptions(call.options), true)
              : call.op === "exec"
                ? await tx.exec(call.sql, queryOptions(call.options)).finally(() => prepared.clear())
                : null;
          reply({ id: call.id, ok: true, value });
        } catch (error) {
          reply({ id: call.id, ok: false, error: toWireError(error) });
        } finally {
          if (hold !== NO_HOLD) {
            const ms = performance.now() - started;
            // Each statement with PGlite's own time for it, to see which ones a transaction's time goes to.
            if ("sql" in call && hold.sql.length < TRACE_SQL_CHARS)
              hold.sql += `[${ms.toFixed(2)}] ${call.sql.slice(0, 120)} | `;
            hold.busyMs += ms;
            hold.statements++;
          }
        }
      }
    });
    open.ended = true;
    reply({ id: commitId, ok: true, value: null });
  } catch (error) {
    open.ended = true;
    if (error instanceof RollbackRequested) reply({ id: error.callId, ok: true, value: null });
    else reply({ id: commitId >= 0 ? commitId : begin.id, ok: false, error: toWireError(error) });
  }
  // Calls sent ahead (the client does not wait for begin) that the transaction never took.
  for (const call of open.inbox.splice(0))
    if (call.id >= 0)
      reply({ id: call.id, ok: false, error: { name: "Error", message: "Transaction is closed", fields: {} } });
}

const keepText = (value: string) => value;

function queryOptions(wire: WireQueryOptions | undefined): QueryOptions | undefined {
  if (!wire) return undefined;
  const options: QueryOptions = {};
  if (wire.rowMode) options.rowMode = wire.rowMode;
  if (wire.rawTypes?.length) options.parsers = Object.fromEntries(wire.rawTypes.map((oid) => [oid, keepText]));
  return options;
}
