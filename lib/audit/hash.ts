import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

export type HashedFields = {
  prevHash: string;
  occurredAt: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  data: Record<string, unknown>;
  ip: string | null;
};

/** JSON with object keys sorted at every depth, so jsonb's key reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** The exact text an entry's hash is computed over: its fields, in order, as canonical JSON. */
export function hashedPayload(fields: HashedFields): string {
  return canonicalJson([
    fields.prevHash,
    fields.occurredAt.toISOString(),
    fields.actorId,
    fields.actorEmail,
    fields.action,
    fields.subjectType,
    fields.subjectId,
    fields.data,
    fields.ip,
  ]);
}

export function hashAuditEvent(fields: HashedFields): string {
  return createHash("sha256").update(hashedPayload(fields)).digest("hex");
}
