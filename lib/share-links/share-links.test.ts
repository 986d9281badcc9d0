import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assets, assetVersions, auditEvents, shareLinks, teams, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { verifyAuditChain } from "@/lib/audit";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { addToCollection, createCollection } from "@/lib/collections";
import { AppError } from "@/lib/errors";
import { createAssetInReview } from "@/lib/review/testing";
import { LocalBlobStore } from "@/lib/storage/local-driver";
import { createUserFactory, ctxFor } from "@/test/factories";
import {
  createShareLink,
  hashShareToken,
  isShareOpen,
  listShareLinks,
  recordShareView,
  resolveShareLink,
  revokeShareLink,
  shareDownloadResponse,
  sharedContent,
  shareImageResponse,
  unlockShareLink,
} from ".";

type TestCtx = ReturnType<typeof ctxFor>;
let database: Database;
let store: LocalBlobStore;
let root: string;
let dana: TestCtx; // designer, Brand
let theo: TestCtx; // designer, Brand
let gus: TestCtx; // designer, Growth
let finn: TestCtx; // finance
let ada: TestCtx; // admin
const DAY = 86_400_000;

beforeAll(async () => {
  database = await createTestDatabase();
  root = await mkdtemp(path.join(tmpdir(), "kiln-share-"));
  store = new LocalBlobStore(root);
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const db = database.db;
  const [brand, growth] = await db
    .insert(teams)
    .values([{ name: "Brand" }, { name: "Growth" }])
    .returning();
  const user = async (role: "designer" | "finance" | "admin", name: string, teamId: string | null = null) => {
    const u = await createUserFactory(db, { role, name });
    if (teamId) await db.update(users).set({ teamId }).where(eq(users.id, u.id));
    return ctxFor(db, u);
  };
  dana = await user("designer", "Dana", brand!.id);
  theo = await user("designer", "Theo", brand!.id);
  gus = await user("designer", "Gus", growth!.id);
  finn = await user("finance", "Finn", brand!.id);
  ada = await user("admin", "Ada");
}, 60_000);
afterAll(async () => {
  await database.close();
  await rm(root, { recursive: true, force: true });
});

/**
 * An asset of Dana's whose version 1 is a real JPEG carrying GPS and camera EXIF, with a preview
 * rendition. `publishable`: approved with confirmed alt text (what publishProblems asks).
 */
async function asset(o: { publishable: boolean; title?: string; rightsExpiresAt?: Date }) {
  const { asset: a, version } = await createAssetInReview(database.db, { ownerId: dana.actor.id });
  const original = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: "KilnCam", Model: "Secret 9" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" },
    })
    .toBuffer();
  const key = `assets/${a.id}/v1.jpg`;
  const previewKey = `assets/${a.id}/v1-preview.webp`;
  await store.put(key, original, { contentType: "image/jpeg" });
  const preview = await sharp(original).webp().toBuffer();
  await store.put(previewKey, preview, { contentType: "image/webp" });
  await database.db
    .update(assetVersions)
    .set({
      blobKey: key,
      width: 64,
      height: 48,
      renditions: {
        preview: { key: previewKey, width: 64, height: 48, bytes: preview.length, contentType: "image/webp" },
      },
    })
    .where(eq(assetVersions.id, version.id));
  await database.db
    .update(assets)
    .set({
      title: o.title ?? "Mug",
      status: o.publishable ? "approved" : "in_review",
      altText: "A red mug on a table",
      altTextStatus: o.publishable ? "confirmed" : "draft",
      rightsExpiresAt: o.rightsExpiresAt ?? null,
    })
    .where(eq(assets.id, a.id));
  return a.id;
}

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  return p.then(
    () => null,
    (e: unknown) => (e instanceof AppError ? e.code : `not an AppError: ${String(e)}`),
  );
}

const link = async (token: string) => (await resolveShareLink(database.db, token))!;

describe("creating links", () => {
  it("shows the token once and stores only its hash and a 12-character hint", async () => {
    const id = await asset({ publishable: true });
    const { token, url, link: view } = await createShareLink({ ctx: dana, input: { assetId: id, label: "Agency" } });
    expect(token).toMatch(/^kiln_sh_[A-Za-z0-9_-]{43}$/);
    expect(url).toMatch(new RegExp(`/s/${token}$`));
    expect(view).toMatchObject({
      tokenHint: token.slice(0, 12),
      label: "Agency",
      state: "active",
      hasPassword: false,
      allowDownload: false,
      viewCount: 0,
    });
    // Default expiry: seven days.
    expect(Math.abs(new Date(view.expiresAt).getTime() - (Date.now() + 7 * DAY))).toBeLessThan(60_000);
    const [row] = await database.db.select().from(shareLinks).where(eq(shareLinks.id, view.id));
    expect(row!.tokenHash).toBe(hashShareToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const audits = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, view.id));
    expect(audits.map((a) => a.action)).toEqual(["share_link.created"]);
    expect(JSON.stringify(audits)).not.toContain(token);
    // Nothing later hands the token out again.
    expect(JSON.stringify(await listShareLinks({ ctx: dana, input: { assetId: id } }))).not.toContain(token);
  });

  it("needs an expiry within a year, and a password of 8 characters or more", async () => {
    const id = await asset({ publishable: true });
    const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);
    expect(await codeOf(createShareLink({ ctx: dana, input: { assetId: id, expiry: "never" } }))).toBe("invalid_input");
    expect(await codeOf(createShareLink({ ctx: dana, input: { assetId: id, expiry: "custom" } }))).toBe(
      "invalid_input",
    );
    expect(
      await codeOf(createShareLink({ ctx: dana, input: { assetId: id, expiry: "custom", expiresOn: inDays(400) } })),
    ).toBe("invalid_input");
    expect(
      await codeOf(createShareLink({ ctx: dana, input: { assetId: id, expiry: "custom", expiresOn: "2020-01-01" } })),
    ).toBe("invalid_input");
    expect(await codeOf(createShareLink({ ctx: dana, input: { assetId: id, password: "short" } }))).toBe(
      "invalid_input",
    );
    const ok = await createShareLink({ ctx: dana, input: { assetId: id, expiry: "custom", expiresOn: inDays(200) } });
    expect(ok.link.expiresAt).toBe(`${inDays(200)}T23:59:59.999Z`);
    expect((await createShareLink({ ctx: dana, input: { assetId: id, expiry: "1d" } })).link.state).toBe("active");
  });

  it("shares an asset one may act on, or a collection one owns or that is shared with one's team", async () => {
    const id = await asset({ publishable: true });
    expect(await codeOf(createShareLink({ ctx: gus, input: { assetId: id } }))).toBe("not_found");
    expect(await codeOf(createShareLink({ ctx: finn, input: { assetId: id } }))).toBe("forbidden");
    expect(await codeOf(createShareLink({ ctx: ada, input: { assetId: id } }))).toBeNull();
    const shared = await createCollection({ ctx: dana, input: { name: "Team picks", shared: true } });
    const privateBoard = await createCollection({ ctx: dana, input: { name: "Mine", shared: false } });
    expect(await codeOf(createShareLink({ ctx: theo, input: { collectionId: shared.id } }))).toBeNull();
    expect(await codeOf(createShareLink({ ctx: theo, input: { collectionId: privateBoard.id } }))).toBe("not_found");
    expect(await codeOf(createShareLink({ ctx: gus, input: { collectionId: shared.id } }))).toBe("not_found");
    expect(await codeOf(createShareLink({ ctx: dana, input: { assetId: id, collectionId: shared.id } }))).toBe(
      "invalid_input",
    );
    expect((await listShareLinks({ ctx: dana, input: { collectionId: shared.id } })).map((l) => l.createdBy)).toEqual([
      "Theo",
    ]);
    expect((await listShareLinks({ ctx: theo, input: { mine: true } })).every((l) => l.createdBy === "Theo")).toBe(
      true,
    );
    expect(await codeOf(listShareLinks({ ctx: gus, input: { collectionId: shared.id } }))).toBe("not_found");
  });
});

describe("resolving a token", () => {
  it("refuses unknown, malformed, expired and revoked tokens alike", async () => {
    const id = await asset({ publishable: true });
    const { token, link: view } = await createShareLink({ ctx: dana, input: { assetId: id } });
    expect(await resolveShareLink(database.db, token)).not.toBeNull();
    expect(await resolveShareLink(database.db, `kiln_sh_${"x".repeat(43)}`)).toBeNull();
    expect(await resolveShareLink(database.db, "kiln_sh_short")).toBeNull();
    expect(await resolveShareLink(database.db, token, new Date(Date.now() + 8 * DAY))).toBeNull();

    // Revoking: others may not; the creator may, once (audited once).
    expect(await codeOf(revokeShareLink({ ctx: gus, linkId: view.id }))).toBe("not_found");
    expect((await revokeShareLink({ ctx: dana, linkId: view.id })).state).toBe("revoked");
    expect((await revokeShareLink({ ctx: dana, linkId: view.id })).state).toBe("revoked");
    expect(await resolveShareLink(database.db, token)).toBeNull();
    const revoked = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, view.id), eq(auditEvents.action, "share_link.revoked")));
    expect(revoked).toHaveLength(1);
  });
});

describe("passwords", () => {
  it("opens with the right password only; wrong ones are audited and rate-limited per address", async () => {
    const id = await asset({ publishable: true });
    const { token, link: view } = await createShareLink({
      ctx: dana,
      input: { assetId: id, password: "open sesame 1" },
    });
    const l = await link(token);
    expect(isShareOpen(l, undefined)).toBe(false);
    expect(await unlockShareLink({ db: database.db, token, password: "nope nope", ip: "198.51.100.1" })).toEqual({
      ok: false,
      reason: "wrong_password",
    });
    const right = await unlockShareLink({ db: database.db, token, password: "open sesame 1", ip: "198.51.100.1" });
    if (!right.ok) throw new Error("the right password was refused");
    expect(isShareOpen(l, right.grant.value)).toBe(true);
    // A grant is for this link and this password only, and does not survive tampering or time.
    const [exp, mac] = right.grant.value.split(".");
    expect(isShareOpen(l, `${Number(exp) + 1}.${mac}`)).toBe(false);
    expect(isShareOpen({ ...l, passwordHash: "$argon2id$other" }, right.grant.value)).toBe(false);
    expect(isShareOpen(l, right.grant.value, Number(exp) + 1)).toBe(false);

    for (let i = 0; i < 4; i++)
      await unlockShareLink({ db: database.db, token, password: `guess ${i}`, ip: "198.51.100.1" });
    // Five failures from this address: even the right password waits; another address still may try.
    expect(await unlockShareLink({ db: database.db, token, password: "open sesame 1", ip: "198.51.100.1" })).toEqual({
      ok: false,
      reason: "rate_limited",
    });
    expect((await unlockShareLink({ db: database.db, token, password: "open sesame 1", ip: "198.51.100.2" })).ok).toBe(
      true,
    );
    const failed = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, view.id), eq(auditEvents.action, "share_link.password_failed")));
    expect(failed).toHaveLength(5);
    expect(failed[0]!.ip).toBe("198.51.100.1");
    expect(JSON.stringify(failed)).not.toContain("guess");
    expect(
      await unlockShareLink({ db: database.db, token: `kiln_sh_${"y".repeat(43)}`, password: "x", ip: null }),
    ).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("what a link shows", () => {
  it("lists only publishable assets of a collection, serves only those, and counts audited views", async () => {
    const good = await asset({ publishable: true, title: "Good mug" });
    const unapproved = await asset({ publishable: false, title: "Pending mug" });
    const expired = await asset({ publishable: true, title: "Old mug" });
    const outside = await asset({ publishable: true, title: "Elsewhere" });
    // Rights that ended yesterday (set directly: the rights form refuses past dates).
    await database.db
      .update(assets)
      .set({ rightsExpiresAt: new Date(Date.now() - DAY) })
      .where(eq(assets.id, expired));
    const board = await createCollection({ ctx: dana, input: { name: "Spring" } });
    await addToCollection({ ctx: dana, input: { collectionId: board.id, assetIds: [good, unapproved, expired] } });
    const { token } = await createShareLink({ ctx: dana, input: { collectionId: board.id } });
    const l = await link(token);

    const content = await sharedContent(database.db, l);
    expect(content).toMatchObject({ title: "Spring", kind: "collection", allowDownload: false });
    expect(content.assets).toEqual([
      { id: good, title: "Good mug", altText: "A red mug on a table", width: 64, height: 48 },
    ]);

    const image = await shareImageResponse({ db: database.db, store, link: l, assetId: good, size: "preview" });
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/webp");
    for (const other of [unapproved, expired, outside, "not-a-uuid"]) {
      expect(
        (await shareImageResponse({ db: database.db, store, link: l, assetId: other, size: "preview" })).status,
      ).toBe(404);
    }
    // Downloads are off for this link.
    expect((await shareDownloadResponse({ db: database.db, store, link: l, assetId: good, ip: null })).status).toBe(
      404,
    );

    await recordShareView(database.db, l, "198.51.100.9");
    await recordShareView(database.db, l, "198.51.100.9");
    const [row] = await database.db.select().from(shareLinks).where(eq(shareLinks.id, l.id));
    expect(row!.viewCount).toBe(2);
    expect(row!.lastViewedAt).not.toBeNull();
    const views = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, l.id), eq(auditEvents.action, "share_link.viewed")));
    expect(views).toHaveLength(2);
    expect(views[0]!.ip).toBe("198.51.100.9");
    expect(views[0]!.data).toEqual({ linkId: l.id });
  });

  it("a single-asset link shows nothing once the asset is no longer publishable", async () => {
    const id = await asset({ publishable: true });
    const l = await link((await createShareLink({ ctx: dana, input: { assetId: id } })).token);
    expect((await sharedContent(database.db, l)).assets).toHaveLength(1);
    await database.db.update(assets).set({ status: "in_review" }).where(eq(assets.id, id));
    expect((await sharedContent(database.db, l)).assets).toHaveLength(0);
    expect((await shareImageResponse({ db: database.db, store, link: l, assetId: id, size: "thumb" })).status).toBe(
      404,
    );
  });

  it("downloads the approved version as PNG without location or device metadata, with its XMP, audited", async () => {
    const id = await asset({ publishable: true, title: "Red mug / hero" });
    const l = await link((await createShareLink({ ctx: dana, input: { assetId: id, allowDownload: true } })).token);
    const before = await sharp(await readBlob(`assets/${id}/v1.jpg`)).metadata();
    expect(before.exif).toBeTruthy();
    const res = await shareDownloadResponse({ db: database.db, store, link: l, assetId: id, ip: "198.51.100.3" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="red-mug-hero-v1.png"');
    const bytes = Buffer.from(await res.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ format: "png", width: 64, height: 48 });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp?.toString("utf8")).toContain("Red mug / hero");
    expect(bytes.includes(Buffer.from("KilnCam"))).toBe(false);
    const [audit] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, l.id), eq(auditEvents.action, "share_link.downloaded")));
    expect(audit?.data).toMatchObject({ linkId: l.id, assetId: id });
    expect(audit?.ip).toBe("198.51.100.3");
    expect((await verifyAuditChain({ db: database.db })).ok).toBe(true);
  });
});

async function readBlob(key: string): Promise<Buffer> {
  const blob = await store.get(key);
  const chunks: Buffer[] = [];
  for await (const c of blob!.body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}
