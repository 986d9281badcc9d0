import postgres from "postgres";
import { RemotePGlite } from "@/db/remote/client";

/**
 * One embedded runner per database (decision 0009): the runner's scheduler reads due jobs without
 * claiming them, so two runners on one database would run the same steps twice. The holder keeps a
 * PostgreSQL session-level advisory lock on a connection of its own for as long as it runs; the
 * server releases it when that session ends (process exit, crash, lost connection).
 */
export const RUNNER_LOCK_KEY = 30203943; // beside the runner's migration lock, 30203942

export type SessionLock = {
  /** Takes the lock if it is free; false while another session holds it. */
  tryAcquire(): Promise<boolean>;
  /** Whether this session still holds it (false once the connection was lost). */
  stillHeld(): Promise<boolean>;
  close(): Promise<void>;
};

export function postgresSessionLock(url: string, key = RUNNER_LOCK_KEY): SessionLock {
  // One connection, never recycled: ending the session would release the lock.
  const sql = postgres(url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    onnotice: () => {},
    connection: { application_name: "kiln-embedded-runner-lock" },
  });
  let session: postgres.ReservedSql | null = null;
  const drop = () => {
    session?.release();
    session = null;
  };
  return {
    async tryAcquire() {
      try {
        session ??= await sql.reserve();
        const [row] = await session<{ ok: boolean }[]>`SELECT pg_try_advisory_lock(${key}::bigint) AS ok`;
        return row?.ok === true;
      } catch (err) {
        drop();
        throw err;
      }
    },
    async stillHeld() {
      if (!session) return false;
      try {
        // Asked of pg_locks, not assumed: a silently reconnected session would hold nothing.
        const rows = await session`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
          AND pid = pg_backend_pid() AND classid = 0 AND objid = ${key} AND objsubid = 1`;
        return rows.length > 0;
      } catch {
        drop();
        return false;
      }
    },
    async close() {
      drop();
      await sql.end({ timeout: 5 });
    },
  };
}

/**
 * The same lock on the embedded database as its host serves it (db/remote): held by a connection of
 * its own, released by the host when that connection closes (worker exit, crash).
 */
export function embeddedHostLock(socketPath: string, key = RUNNER_LOCK_KEY): SessionLock {
  let connection: RemotePGlite | null = null;
  return {
    async tryAcquire() {
      connection ??= await RemotePGlite.connect(socketPath, 5_000);
      return connection.tryLock(key);
    },
    async stillHeld() {
      try {
        return connection ? await connection.holdsLock(key) : false;
      } catch {
        return false;
      }
    },
    async close() {
      await connection?.close();
      connection = null;
    },
  };
}
