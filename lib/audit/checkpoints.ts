import { createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { text } from "node:stream/consumers";
import { asc, desc, eq, sql } from "drizzle-orm";
import type { Db, DbExecutor } from "@/db";
import { auditCheckpoints, auditEvents, type AuditCheckpoint } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { getC2paSigningIdentity } from "@/lib/delivery/installation-key";
import { AppError } from "@/lib/errors";
import { getBlobStore, type BlobStore } from "@/lib/storage";
import { canonicalJson } from "./hash";
import { walkAuditChain } from "./verify";

/**
 * Checkpoints of the audit chain: "the chain up to #seq was walked and found whole, ending in hash".
 * The page and the scheduled check verify only what came after the newest checkpoint, so their cost
 * follows the new entries, not the log's length; `npm run audit:verify` keeps the full walk.
 *
 * Each checkpoint is also published outside the database as a signed JSON file in the blob store
 * (audit-checkpoints/<seq>.json), signed with the installation's ES256 key (the content-credentials
 * key of lib/delivery/installation-key.ts). That key's private half is sealed with KILN_SECRETS_KEY,
 * which lives outside the database, and verification uses the public key derived from the unsealed
 * private key, never a key read from a row: a database administrator who rewrites history and the
 * checkpoint rows with it can neither forge a new signature nor swap in a key of their own.
 */
export const CHECKPOINT_PREFIX = "audit-checkpoints/";
const FILE_TYPE = "kiln.audit-checkpoint";
/** Serialises checkpoint writers (the scheduled function and an admin's "verify now"). */
const CHECKPOINT_LOCK_KEY = 7_305_119;

export type CheckpointFile = {
  type: typeof FILE_TYPE;
  version: 1;
  seq: number;
  hash: string;
  eventCount: number;
  createdAt: string;
  algorithm: "ES256";
  /** The signer's public key (SPKI PEM), for anyone checking a file outside Kiln with openssl. */
  publicKey: string;
  /** ECDSA P-256 / SHA-256 (IEEE P1363, base64) over the canonical JSON of every other field. */
  signature: string;
};

export type CheckpointSummary = { seq: number; hash: string; eventCount: number; createdAt: Date; blobKey: string };

export type IncrementalReport =
  | {
      ok: true;
      checkpoint: CheckpointSummary | null;
      newChecked: number;
      total: number;
      headSeq: number;
      headHash: string;
    }
  | { ok: false; checkpoint: CheckpointSummary | null; newChecked: number; brokenAt: number; reason: string };

type Signer = { privateKey: KeyObject; publicKey: KeyObject };

async function installationSigner(db: DbExecutor): Promise<Signer> {
  const { privateKey } = await getC2paSigningIdentity({ db });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function signedText(file: Omit<CheckpointFile, "signature">): Buffer {
  return Buffer.from(canonicalJson(file), "utf8");
}

export function checkpointBlobKey(seq: number): string {
  return `${CHECKPOINT_PREFIX}${seq}.json`;
}

function summary(row: AuditCheckpoint): CheckpointSummary {
  return { seq: row.seq, hash: row.hash, eventCount: row.eventCount, createdAt: row.createdAt, blobKey: row.blobKey };
}

/** The newest checkpoint, or null before the first one; for the export and the metrics. */
export async function latestAuditCheckpoint({ db }: { db: DbExecutor }): Promise<CheckpointSummary | null> {
  const [row] = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.seq)).limit(1);
  return row ? summary(row) : null;
}

/**
 * Why a checkpoint row cannot be trusted, or null when it matches its signed file, the file's
 * signature verifies with this installation's key, and the entry it names still has its hash.
 */
export async function checkpointProblem(
  db: DbExecutor,
  row: AuditCheckpoint,
  signer: Signer,
  store: BlobStore,
): Promise<string | null> {
  const blob = await store.get(row.blobKey);
  if (!blob) return `checkpoint #${row.seq} has no signed file (${row.blobKey} is missing from the blob store)`;
  let file: CheckpointFile;
  try {
    file = JSON.parse(await text(blob.body)) as CheckpointFile;
  } catch {
    return `checkpoint #${row.seq}'s signed file is not valid JSON`;
  }
  const { signature, ...signed } = file;
  let valid = false;
  try {
    valid =
      typeof signature === "string" &&
      verify(
        "sha256",
        signedText(signed),
        { key: signer.publicKey, dsaEncoding: "ieee-p1363" },
        Buffer.from(signature, "base64"),
      );
  } catch {
    valid = false;
  }
  if (!valid) return `checkpoint #${row.seq}'s signed file does not carry a valid signature of this installation's key`;
  const mismatch: string[] = (["seq", "hash", "eventCount"] as const).filter((k) => file[k] !== row[k]);
  if (row.signature !== signature) mismatch.push("signature");
  if (mismatch.length)
    return `checkpoint #${row.seq} in the database does not match its signed file (${mismatch.join(", ")} differ)`;
  const [event] = await db
    .select({ hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.seq, row.seq))
    .limit(1);
  if (!event) return `entry #${row.seq}, which checkpoint #${row.seq} vouches for, is missing`;
  if (event.hash !== row.hash) return `entry #${row.seq} no longer has the hash its signed checkpoint recorded`;
  return null;
}

/**
 * Verifies from the newest checkpoint onward: the checkpoint against its signed file, then every
 * later entry, starting from the checkpoint's hash as the previous hash.
 */
export async function verifyAuditIncremental({
  db,
  store = getBlobStore(),
  signer,
}: {
  db: DbExecutor;
  store?: BlobStore;
  signer?: Signer;
}): Promise<IncrementalReport> {
  const [row] = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.seq)).limit(1);
  const checkpoint = row ? summary(row) : null;
  if (row) {
    let problem: string | null;
    try {
      problem = await checkpointProblem(db, row, signer ?? (await installationSigner(db)), store);
    } catch (error) {
      problem = `checkpoint #${row.seq} could not be checked (${error instanceof Error ? error.message : String(error)})`;
    }
    if (problem) return { ok: false, checkpoint, newChecked: 0, brokenAt: row.seq, reason: problem };
  }
  const walk = await walkAuditChain({ db, afterSeq: row?.seq ?? 0, prevHash: row?.hash });
  if (!walk.ok)
    return { ok: false, checkpoint, newChecked: walk.checked, brokenAt: walk.brokenAt, reason: walk.reason };
  return {
    ok: true,
    checkpoint,
    newChecked: walk.checked,
    total: (row?.eventCount ?? 0) + walk.checked,
    headSeq: walk.headSeq,
    headHash: walk.headHash,
  };
}

export type CheckpointRun = { report: IncrementalReport; written: CheckpointSummary | null };

/**
 * Verifies the new entries and, when there are some and all is whole, writes a checkpoint at the
 * head: the signed file first, then the row (a row never exists without its file). A failed
 * verification writes nothing, so no checkpoint ever lies past a break.
 */
export async function writeAuditCheckpoint({
  db,
  store = getBlobStore(),
  now = new Date(),
}: {
  db: Db;
  store?: BlobStore;
  now?: Date;
}): Promise<CheckpointRun> {
  // Made (and audited) on first use outside the transaction below.
  const signer = await installationSigner(db);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CHECKPOINT_LOCK_KEY})`);
    const report = await verifyAuditIncremental({ db: tx, store, signer });
    if (!report.ok || report.newChecked === 0) return { report, written: null };
    const createdAt = new Date(Math.floor(now.getTime()));
    const unsigned: Omit<CheckpointFile, "signature"> = {
      type: FILE_TYPE,
      version: 1,
      seq: report.headSeq,
      hash: report.headHash,
      eventCount: report.total,
      createdAt: createdAt.toISOString(),
      algorithm: "ES256",
      publicKey: signer.publicKey.export({ type: "spki", format: "pem" }).toString(),
    };
    const signature = sign("sha256", signedText(unsigned), {
      key: signer.privateKey,
      dsaEncoding: "ieee-p1363",
    }).toString("base64");
    const blobKey = checkpointBlobKey(report.headSeq);
    await store.put(blobKey, Buffer.from(`${JSON.stringify({ ...unsigned, signature }, null, 2)}\n`), {
      contentType: "application/json",
    });
    const [row] = await tx
      .insert(auditCheckpoints)
      .values({ seq: report.headSeq, hash: report.headHash, eventCount: report.total, signature, blobKey, createdAt })
      .returning();
    return { report, written: summary(row!) };
  });
}

/** "Verify now" on /admin/audit (admins): the same as the scheduled run. */
export async function checkpointAuditNow({ ctx }: { ctx: Ctx }): Promise<CheckpointRun> {
  if (!can(ctx.actor.role, "audit.view")) throw new AppError("forbidden", "Only admins can verify the audit log.");
  return writeAuditCheckpoint({ db: ctx.db });
}

export type CheckpointAudit = { checked: number; problems: Array<{ seq: number; reason: string }> };

/** Every checkpoint row against its signed file, oldest first (`npm run audit:verify`). */
export async function verifyAllCheckpoints({
  db,
  store = getBlobStore(),
}: {
  db: DbExecutor;
  store?: BlobStore;
}): Promise<CheckpointAudit> {
  let signer: Signer | undefined;
  const problems: CheckpointAudit["problems"] = [];
  let checked = 0;
  let after = -1;
  for (;;) {
    const rows = await db
      .select()
      .from(auditCheckpoints)
      .where(sql`${auditCheckpoints.seq} > ${after}`)
      .orderBy(asc(auditCheckpoints.seq))
      .limit(500);
    for (const row of rows) {
      // Asked for only once there is a checkpoint: asking makes the key on an installation without one.
      signer ??= await installationSigner(db);
      const problem = await checkpointProblem(db, row, signer, store);
      if (problem) problems.push({ seq: row.seq, reason: problem });
      checked += 1;
      after = row.seq;
    }
    if (rows.length < 500) return { checked, problems };
  }
}
