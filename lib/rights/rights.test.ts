import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assets, assetSearch, auditEvents, notifications } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { verifyAuditChain } from "@/lib/audit";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { AppError } from "@/lib/errors";
import { createAssetInReview } from "@/lib/review/testing";
import { createUserFactory, ctxFor } from "@/test/factories";
import { getRightsCard, rightsLabel, rightsState, setAssetRights, sweepRightsExpiry } from ".";

type TestCtx = ReturnType<typeof ctxFor>;
let database: Database;
let dana: TestCtx; // designer, owns the assets
let gus: TestCtx; // another designer
let rita: TestCtx; // reviewer
let finn: TestCtx; // finance
let rex: TestCtx; // a second reviewer

const DAY = 86_400_000;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const user = async (role: "designer" | "reviewer" | "finance", name: string) =>
    ctxFor(database.db, await createUserFactory(database.db, { role, name }));
  dana = await user("designer", "Dana");
  gus = await user("designer", "Gus");
  rita = await user("reviewer", "Rita");
  rex = await user("reviewer", "Rex");
  finn = await user("finance", "Finn");
}, 60_000);
afterAll(() => database.close());

const newAsset = async () => (await createAssetInReview(database.db, { ownerId: dana.actor.id })).asset.id;

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  return p.then(
    () => null,
    (e: unknown) => (e instanceof AppError ? e.code : `not an AppError: ${String(e)}`),
  );
}

describe("rights state", () => {
  const now = new Date("2026-12-04T12:00:00Z");
  it("tells none, ok, expiring (within 7 days) and expired apart, and words them", () => {
    expect(rightsState(null, now)).toBe("none");
    expect(rightsState(new Date(now.getTime() + 8 * DAY), now)).toBe("ok");
    expect(rightsState(new Date(now.getTime() + 5 * DAY), now)).toBe("expiring");
    expect(rightsState(now, now)).toBe("expired");
    expect(rightsLabel(new Date(now.getTime() + 5 * DAY), now)).toBe("Expires in 5 days");
    expect(rightsLabel(new Date("2026-12-01T00:00:00Z"), now)).toBe("Expired on 2026-12-01");
    expect(rightsLabel(new Date("2027-03-01T00:00:00Z"), now)).toBe("Expires on 2027-03-01");
    expect(rightsLabel(new Date("2026-12-04T23:59:59.999Z"), now)).toBe("Expires today");
    expect(rightsLabel(new Date("2026-12-05T23:59:59.999Z"), now)).toBe("Expires in 1 day");
    expect(rightsLabel(new Date("2026-12-09T23:59:59.999Z"), now)).toBe("Expires in 5 days");
  });
});

describe("setAssetRights", () => {
  it("records licence, channels and expiry, audits the change, and updates the library's read model", async () => {
    const id = await newAsset();
    const until = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
    const r = await setAssetRights({
      ctx: dana,
      input: { assetId: id, licence: " Getty RM 12345 ", channels: ["web", "Social", "dooh", "web"], expiresAt: until },
    });
    expect(r).toMatchObject({
      licence: "Getty RM 12345",
      channels: ["web", "social", "dooh"],
      expiresAt: `${until}T23:59:59.999Z`,
    });
    const [row] = await database.db
      .select({ at: assetSearch.rightsExpiresAt })
      .from(assetSearch)
      .where(eq(assetSearch.assetId, id));
    expect(row?.at?.toISOString()).toBe(`${until}T23:59:59.999Z`);
    const [audit] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "asset.rights_changed"), eq(auditEvents.subjectId, id)));
    expect(audit?.actorId).toBe(dana.actor.id);
    expect((audit?.data as { after: { licence: string } }).after.licence).toBe("Getty RM 12345");
    expect(await getRightsCard({ ctx: dana, assetId: id })).toMatchObject({ canEdit: true, licence: "Getty RM 12345" });
    expect(await getRightsCard({ ctx: rita, assetId: id })).toMatchObject({ canEdit: true });
  });

  it("refuses bad input: a long licence, odd channel codes, a past or malformed expiry", async () => {
    const id = await newAsset();
    expect(await codeOf(setAssetRights({ ctx: dana, input: { assetId: id, licence: "x".repeat(201) } }))).toBe(
      "invalid_input",
    );
    expect(await codeOf(setAssetRights({ ctx: dana, input: { assetId: id, channels: ["web site!"] } }))).toBe(
      "invalid_input",
    );
    expect(await codeOf(setAssetRights({ ctx: dana, input: { assetId: id, expiresAt: "2020-01-01" } }))).toBe(
      "invalid_input",
    );
    expect(await codeOf(setAssetRights({ ctx: dana, input: { assetId: id, expiresAt: "next tuesday" } }))).toBe(
      "invalid_input",
    );
    const [a] = await database.db.select().from(assets).where(eq(assets.id, id));
    expect(a?.rightsLicence).toBeNull();
  });

  it("is for those who may act on the asset and describe it", async () => {
    const id = await newAsset();
    expect(await codeOf(setAssetRights({ ctx: gus, input: { assetId: id, licence: "mine now" } }))).toBe("not_found");
    expect(await codeOf(setAssetRights({ ctx: finn, input: { assetId: id, licence: "finance" } }))).toBe("forbidden");
    expect(await codeOf(setAssetRights({ ctx: rita, input: { assetId: id, licence: "checked by legal" } }))).toBeNull();
  });

  it("clears with every field empty", async () => {
    const id = await newAsset();
    await setAssetRights({
      ctx: dana,
      input: {
        assetId: id,
        licence: "own",
        channels: ["web"],
        expiresAt: new Date(Date.now() + 3 * DAY).toISOString(),
      },
    });
    const r = await setAssetRights({ ctx: dana, input: { assetId: id, licence: "", channels: [], expiresAt: null } });
    expect(r).toEqual({ licence: null, channels: [], expiresAt: null, noticeSentAt: null });
  });
});

describe("the week-before notice", () => {
  it("notifies the designer and every reviewer once per expiry, audited; a new expiry gets a new notice", async () => {
    const soon = await newAsset();
    const later = await newAsset();
    await setAssetRights({
      ctx: dana,
      input: { assetId: soon, licence: "stock", expiresAt: new Date(Date.now() + 5 * DAY).toISOString() },
    });
    await setAssetRights({
      ctx: dana,
      input: { assetId: later, expiresAt: new Date(Date.now() + 20 * DAY).toISOString() },
    });

    const first = await sweepRightsExpiry({ db: database.db });
    expect(first.notified).toContain(soon);
    expect(first.notified).not.toContain(later);
    // Two sweeps at once, and a third after: still one notice.
    const again = await Promise.all([sweepRightsExpiry({ db: database.db }), sweepRightsExpiry({ db: database.db })]);
    expect(again.flatMap((r) => r.notified)).not.toContain(soon);

    const sent = await database.db.select().from(notifications).where(eq(notifications.assetId, soon));
    expect(sent.map((n) => n.userId).sort()).toEqual([dana.actor.id, rita.actor.id, rex.actor.id].sort());
    expect(sent[0]?.kind).toBe("rights_expiring");
    expect(sent[0]?.message).toMatch(/expires in (4|5) days/);
    const audits = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "asset.rights_expiry_notified"), eq(auditEvents.subjectId, soon)));
    expect(audits).toHaveLength(1);

    // Extending the rights clears the notice: the new expiry, once near, is announced again.
    const r = await setAssetRights({
      ctx: dana,
      input: { assetId: soon, licence: "stock", expiresAt: new Date(Date.now() + 6 * DAY).toISOString() },
    });
    expect(r.noticeSentAt).toBeNull();
    expect((await sweepRightsExpiry({ db: database.db })).notified).toEqual([soon]);
    expect(await database.db.select().from(notifications).where(eq(notifications.assetId, soon))).toHaveLength(6);
    // Changing only the licence keeps the notice.
    expect(
      (await setAssetRights({ ctx: dana, input: { assetId: soon, licence: "stock, renewed", expiresAt: r.expiresAt } }))
        .noticeSentAt,
    ).not.toBeNull();
    expect((await sweepRightsExpiry({ db: database.db })).notified).toEqual([]);
    expect((await verifyAuditChain({ db: database.db })).ok).toBe(true);
  });
});
