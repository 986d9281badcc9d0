import { createHmac, timingSafeEqual } from "node:crypto";
import { and, count, eq, gt, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { auditEvents, shareLinks, type ShareLink } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { burnPasswordCheck, verifyPassword } from "@/lib/auth/password";
import { authSecret } from "@/lib/env";
import { hashShareToken, isShareTokenShape } from "./token";

/** How long a correct password opens the link in that browser. */
export const SHARE_GRANT_HOURS = 12;
/** Wrong passwords per link and address, and per link from anywhere, within the window. */
export const SHARE_PASSWORD_POLICY = { perAddress: 5, perLink: 20, windowMinutes: 15 } as const;
export const SHARE_GRANT_COOKIE = "kiln_share";

/**
 * The link behind a token, or null when the token is malformed, unknown, expired or revoked: the
 * public page says the same "not valid" in every case, so it answers no question about a token.
 */
export async function resolveShareLink(db: Db, token: string, now = new Date()): Promise<ShareLink | null> {
  if (!isShareTokenShape(token)) return null;
  const [link] = await db
    .select()
    .from(shareLinks)
    .where(eq(shareLinks.tokenHash, hashShareToken(token)))
    .limit(1);
  if (!link || link.revokedAt || link.expiresAt.getTime() <= now.getTime()) return null;
  return link;
}

function grantMac(link: Pick<ShareLink, "id" | "passwordHash">, exp: number): string {
  return createHmac("sha256", authSecret())
    .update(`share-grant|${link.id}|${link.passwordHash}|${exp}`)
    .digest("base64url");
}

/** The cookie value a correct password earns: the link, an expiry, and a MAC over both (and the password's hash). */
export function issueShareGrant(
  link: Pick<ShareLink, "id" | "passwordHash">,
  now = Date.now(),
): { value: string; maxAge: number } {
  const exp = now + SHARE_GRANT_HOURS * 3_600_000;
  return { value: `${exp}.${grantMac(link, exp)}`, maxAge: SHARE_GRANT_HOURS * 3600 };
}

/** A link without a password is open; one with a password needs this browser's grant. */
export function isShareOpen(
  link: Pick<ShareLink, "id" | "passwordHash">,
  grant: string | undefined,
  now = Date.now(),
): boolean {
  if (!link.passwordHash) return true;
  const [expText, mac] = (grant ?? "").split(".");
  const exp = Number(expText);
  if (!mac || !Number.isSafeInteger(exp) || exp <= now) return false;
  const want = Buffer.from(grantMac(link, exp));
  const got = Buffer.from(mac);
  return want.length === got.length && timingSafeEqual(want, got);
}

export type UnlockResult =
  | { ok: true; grant: { value: string; maxAge: number } }
  | { ok: false; reason: "invalid" | "wrong_password" | "rate_limited" };

/**
 * Checks a link's password. Failures are audited (share_link.password_failed, with the address)
 * and those audit rows are the rate limit's count, per address and per link over a window.
 */
export async function unlockShareLink({
  db,
  token,
  password,
  ip,
}: {
  db: Db;
  token: string;
  password: string;
  ip: string | null;
}): Promise<UnlockResult> {
  const link = await resolveShareLink(db, token);
  if (!link) return { ok: false, reason: "invalid" };
  if (!link.passwordHash) return { ok: true, grant: issueShareGrant(link) };
  if (await isPasswordBlocked(db, link.id, ip)) {
    await burnPasswordCheck(password.slice(0, 200));
    return { ok: false, reason: "rate_limited" };
  }
  if (await verifyPassword(link.passwordHash, password.slice(0, 200)))
    return { ok: true, grant: issueShareGrant(link) };
  await recordAudit({
    db,
    input: {
      actor: null,
      action: "share_link.password_failed",
      subject: { type: "share_link", id: link.id },
      data: { linkId: link.id },
      ip,
    },
  });
  return { ok: false, reason: "wrong_password" };
}

async function isPasswordBlocked(db: Db, linkId: string, ip: string | null): Promise<boolean> {
  const since = new Date(Date.now() - SHARE_PASSWORD_POLICY.windowMinutes * 60_000);
  const failures = and(
    eq(auditEvents.subjectType, "share_link"),
    eq(auditEvents.subjectId, linkId),
    eq(auditEvents.action, "share_link.password_failed"),
    gt(auditEvents.occurredAt, since),
  );
  const [row] = await db
    .select({
      all: count(),
      mine: sql<number>`count(*) filter (where ${ip === null ? sql`${auditEvents.ip} is null` : sql`${auditEvents.ip} = ${ip}`})`.mapWith(
        Number,
      ),
    })
    .from(auditEvents)
    .where(failures);
  return (row?.all ?? 0) >= SHARE_PASSWORD_POLICY.perLink || (row?.mine ?? 0) >= SHARE_PASSWORD_POLICY.perAddress;
}
