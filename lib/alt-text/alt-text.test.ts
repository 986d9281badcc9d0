import { and, desc, eq } from "drizzle-orm";
import sharp from "sharp";
import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { altTextSettings, assets, assetSearch, auditEvents, bannedTerms, providers, type User } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { draftAltText } from "@/inngest/functions/delivery/draft-alt-text";
import { seedCatalog, SIMULATOR_SLUG } from "@/lib/catalog/seed-catalog";
import { bulkApprove, decideAsset } from "@/lib/review/decide";
import { createAssetInReview, type ReviewFixture } from "@/lib/review/testing";
import { searchLibrary } from "@/lib/library/search";
import { ProviderError } from "@/lib/providers/types";
import { getBlobStore } from "@/lib/storage";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { failAltTextDraft, requestAltTextDraft, runAltTextDraft, type AltTextSender } from "./draft";
import { saveAltText } from "./edit";
import { draftAltTextOnApproval } from "./hook";
import { getAltTextSettingsView, seedAltTextDefault, setAltTextSettings, testAltTextEngine } from "./settings";
import { getAltTextView } from "./view";

/** What the approval hook sends, captured: the real sender needs a running engine. */
const sent = vi.hoisted(() => [] as { assetId: string; requestedBy: string | null; overwrite: boolean; key: string }[]);
vi.mock("@/inngest/send", () => ({
  altTextSender: { draftRequested: async (e: (typeof sent)[number]) => void sent.push(e) },
}));

type TestCtx = ReturnType<typeof ctxFor>;
let database: Database;
let sim: RunningSimulator;
let admin: TestCtx;
let designer: TestCtx;
let otherDesigner: TestCtx;
let reviewer: TestCtx;
let finance: TestCtx;
let simulatorId: string;

const db = () => database.db;
const store = () => getBlobStore();

/** A picture with known content: blue sky, green field, a red ball on the left. */
const picture = () =>
  sharp(
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400">
      <rect width="640" height="250" fill="#3f6fd0"/><rect y="250" width="640" height="150" fill="#2f7d2a"/>
      <circle cx="140" cy="260" r="60" fill="#d02a2a"/></svg>`),
  )
    .png()
    .toBuffer();

/** An asset of the designer's, in review, with its image really stored. */
async function assetWithImage(owner = designer): Promise<ReviewFixture> {
  const f = await createAssetInReview(db(), { ownerId: owner.actor.id, tier: "support" });
  await store().put(f.version.blobKey, await picture(), { contentType: "image/png" });
  return f;
}
async function approvedAsset(owner = designer): Promise<ReviewFixture> {
  const f = await assetWithImage(owner);
  await decideAsset({
    ctx: reviewer,
    input: { assetId: f.asset.id, assetVersionId: f.version.id, decision: "approve" },
  });
  return f;
}
const row = async (id: string) => (await db().select().from(assets).where(eq(assets.id, id)))[0]!;
const searchRow = async (id: string) => (await db().select().from(assetSearch).where(eq(assetSearch.assetId, id)))[0]!;
const lastAudit = async (id: string) =>
  (
    await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectType, "asset"), eq(auditEvents.subjectId, id)))
      .orderBy(desc(auditEvents.seq))
      .limit(1)
  )[0]!;
const recorder = () => {
  const calls: Parameters<AltTextSender["draftRequested"]>[0][] = [];
  return {
    calls,
    sender: { draftRequested: async (e: (typeof calls)[number]) => void calls.push(e) } satisfies AltTextSender,
  };
};

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  sim = await startSimulator({ port: 0, latencyMs: 0, jitterMs: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
  const user = async (role: User["role"], name: string) =>
    ctxFor(database.db, await createUserFactory(database.db, { role, name }));
  admin = await user("admin", "Ada Admin");
  designer = await user("designer", "Dana Designer");
  otherDesigner = await user("designer", "Dev Designer");
  reviewer = await user("reviewer", "Rita Reviewer");
  finance = await user("finance", "Finn Finance");
  simulatorId = (await db().select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG)))[0]!.id;
}, 120_000);
afterAll(async () => {
  await sim?.close();
  await database?.close();
});
beforeEach(() => {
  sent.length = 0;
});

describe("settings", () => {
  it("starts off; the first-run default is A1111 interrogate on the simulator, and an admin's choice is never overridden", async () => {
    expect((await getAltTextSettingsView({ ctx: admin })).engine).toBe("off");
    expect(await seedAltTextDefault({ db: db() })).toBe(true);
    const seeded = await getAltTextSettingsView({ ctx: admin });
    expect(seeded).toMatchObject({
      engine: "a1111_interrogate",
      providerId: simulatorId,
      model: "clip",
      updatedBy: null,
    });
    // An admin turns it off: a later start leaves it off.
    await setAltTextSettings({ ctx: admin, input: { engine: "off" } });
    expect(await seedAltTextDefault({ db: db() })).toBe(false);
    expect((await getAltTextSettingsView({ ctx: admin })).engine).toBe("off");
    const view = await setAltTextSettings({
      ctx: admin,
      input: { engine: "a1111_interrogate", providerId: simulatorId, model: "" },
    });
    expect(view).toMatchObject({
      engine: "a1111_interrogate",
      providerId: simulatorId,
      model: null,
      updatedBy: "Ada Admin",
    });
    expect(
      (await db().select().from(auditEvents).where(eq(auditEvents.action, "alt_text.settings_changed"))).length,
    ).toBe(3);
  });

  it("only admins choose, and an engine only calls an endpoint of its kind", async () => {
    for (const ctx of [designer, reviewer, finance]) {
      await expect(setAltTextSettings({ ctx, input: { engine: "off" } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(getAltTextSettingsView({ ctx })).rejects.toMatchObject({ code: "forbidden" });
    }
    await expect(
      setAltTextSettings({ ctx: admin, input: { engine: "openai_vision", providerId: simulatorId } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("calls openai endpoints"),
    });
    await expect(setAltTextSettings({ ctx: admin, input: { engine: "replicate_caption" } })).rejects.toMatchObject({
      code: "invalid_input",
    });
  });

  it("Test drafts for the sample picture with the engine on the form", async () => {
    const out = await testAltTextEngine({
      ctx: admin,
      input: { engine: "a1111_interrogate", providerId: simulatorId },
    });
    expect(out.ok).toBe(true);
    if (out.ok) {
      expect(out.caption.length).toBeGreaterThan(10);
      expect(out.altText).toMatch(/^[A-Z].*(red|grey).*\.$/);
    }
    const unknownModel = await testAltTextEngine({
      ctx: admin,
      input: { engine: "a1111_interrogate", providerId: simulatorId, model: "blip9" },
    });
    expect(unknownModel).toMatchObject({ ok: false, message: expect.stringContaining("Model not found") });
  });
});

describe("drafting", () => {
  it("the function drafts through the simulator end to end: drafting → draft, searchable, audited", async () => {
    const f = await approvedAsset();
    // The approval asked for a draft (automatic: requestedBy null); the engine runs it.
    expect(sent).toHaveLength(1);
    const { assetId, requestedBy, overwrite } = sent[0]!;
    const t = new InngestTestEngine({
      function: draftAltText,
      events: [{ name: "kiln/alt-text.draft-requested", data: { assetId, requestedBy, overwrite } }],
    });
    const { result, error } = await t.execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ outcome: "drafted", engine: "a1111_interrogate" });
    const a = await row(f.asset.id);
    expect(a).toMatchObject({ altTextStatus: "draft", altTextSource: "a1111_interrogate", altTextConfirmedBy: null });
    expect(a.altText).toMatch(/red object on the left/i);
    expect(a.altText).not.toMatch(/arafed|artstation|simulator/i);
    expect((await searchRow(f.asset.id)).altTextStatus).toBe("draft");
    expect(await lastAudit(f.asset.id)).toMatchObject({ action: "alt_text.drafted", actorId: null });
    const page = await searchLibrary({ ctx: designer, input: { q: "alt:draft red object" } });
    expect(page.items.map((i) => i.id)).toContain(f.asset.id);
  });

  it("a person's request marks the asset drafting at once and hands it to the engine; refusals are clear", async () => {
    const f = await approvedAsset();
    const { calls, sender } = recorder();
    await requestAltTextDraft({ ctx: designer, assetId: f.asset.id, input: { key: "click-0001" }, sender });
    expect(calls).toEqual([
      { assetId: f.asset.id, requestedBy: designer.actor.id, overwrite: false, key: "click-0001" },
    ]);
    expect((await row(f.asset.id)).altTextStatus).toBe("drafting");
    expect((await searchRow(f.asset.id)).altTextStatus).toBe("drafting");
    expect((await getAltTextView({ ctx: designer, assetId: f.asset.id })).status).toBe("drafting");
    // The owner's rule: another designer cannot even find it; finance may not describe assets at all.
    await expect(
      requestAltTextDraft({ ctx: otherDesigner, assetId: f.asset.id, input: { key: "click-0002" }, sender }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(
      requestAltTextDraft({ ctx: finance, assetId: f.asset.id, input: { key: "click-0003" }, sender }),
    ).rejects.toMatchObject({ code: "forbidden" });
    // A sender that fails puts the status back and says so.
    const broken: AltTextSender = { draftRequested: async () => Promise.reject(new Error("connection refused")) };
    const g = await approvedAsset();
    await expect(
      requestAltTextDraft({ ctx: designer, assetId: g.asset.id, input: { key: "click-0004" }, sender: broken }),
    ).rejects.toMatchObject({ code: "unavailable" });
    expect((await row(g.asset.id)).altTextStatus).toBe("none");
  });

  it("never replaces confirmed text unless the person asked", async () => {
    const f = await approvedAsset();
    await saveAltText({ ctx: designer, assetId: f.asset.id, input: { text: "A red ball on a lawn.", confirm: true } });
    const { sender } = recorder();
    await expect(
      requestAltTextDraft({ ctx: designer, assetId: f.asset.id, input: { key: "click-0010" }, sender }),
    ).rejects.toMatchObject({ code: "conflict" });
    const skipped = await runAltTextDraft({
      db: db(),
      store: store(),
      assetId: f.asset.id,
      requestedBy: null,
      overwrite: false,
    });
    expect(skipped).toMatchObject({ outcome: "skipped", reason: "a person confirmed its alt text" });
    expect(await row(f.asset.id)).toMatchObject({ altText: "A red ball on a lawn.", altTextStatus: "confirmed" });
    await requestAltTextDraft({
      ctx: designer,
      assetId: f.asset.id,
      input: { key: "click-0011", overwrite: true },
      sender,
    });
    const replaced = await runAltTextDraft({
      db: db(),
      store: store(),
      assetId: f.asset.id,
      requestedBy: designer.actor.id,
      overwrite: true,
    });
    expect(replaced.outcome).toBe("drafted");
    expect(await row(f.asset.id)).toMatchObject({
      altTextStatus: "draft",
      altTextConfirmedBy: null,
      altTextSource: "a1111_interrogate",
    });
  });

  it("a person's save while the engine works wins over the engine's draft", async () => {
    const f = await approvedAsset();
    await requestAltTextDraft({
      ctx: designer,
      assetId: f.asset.id,
      input: { key: "click-0020" },
      sender: recorder().sender,
    });
    await saveAltText({ ctx: designer, assetId: f.asset.id, input: { text: "My own words.", confirm: false } });
    const out = await runAltTextDraft({
      db: db(),
      store: store(),
      assetId: f.asset.id,
      requestedBy: designer.actor.id,
      overwrite: false,
    });
    expect(out.outcome).toBe("skipped");
    expect(await row(f.asset.id)).toMatchObject({
      altText: "My own words.",
      altTextStatus: "draft",
      altTextSource: "person",
    });
  });

  it("an engine failure is thrown for the function to retry; giving up restores the status and says why", async () => {
    const f = await approvedAsset();
    await requestAltTextDraft({
      ctx: designer,
      assetId: f.asset.id,
      input: { key: "click-0030" },
      sender: recorder().sender,
    });
    sim.setConfig({ errorRate: 1 });
    try {
      const error = await runAltTextDraft({
        db: db(),
        store: store(),
        assetId: f.asset.id,
        requestedBy: designer.actor.id,
        overwrite: false,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).retryable).toBe(true);
      expect((await row(f.asset.id)).altTextStatus).toBe("drafting");
      await failAltTextDraft({
        db: db(),
        assetId: f.asset.id,
        requestedBy: designer.actor.id,
        message: (error as Error).message,
      });
    } finally {
      sim.setConfig({ errorRate: 0 });
    }
    expect((await row(f.asset.id)).altTextStatus).toBe("none");
    expect((await searchRow(f.asset.id)).altTextStatus).toBe("none");
    expect(await lastAudit(f.asset.id)).toMatchObject({ action: "alt_text.draft_failed" });
    const view = await getAltTextView({ ctx: designer, assetId: f.asset.id });
    expect(view.lastError).toContain("CUDA out of memory");
  });

  it("with drafting off, the request is refused with what to do instead", async () => {
    const f = await approvedAsset();
    await setAltTextSettings({ ctx: admin, input: { engine: "off" } });
    try {
      await expect(
        requestAltTextDraft({
          ctx: designer,
          assetId: f.asset.id,
          input: { key: "click-0040" },
          sender: recorder().sender,
        }),
      ).rejects.toMatchObject({
        code: "conflict",
        message: expect.stringContaining("Write the alt text yourself"),
      });
      expect((await getAltTextView({ ctx: designer, assetId: f.asset.id })).engine).toBeNull();
    } finally {
      await setAltTextSettings({ ctx: admin, input: { engine: "a1111_interrogate", providerId: simulatorId } });
    }
  });
});

describe("a person edits and confirms", () => {
  it("confirms with who and when; editing confirmed text makes it a draft again; both audited", async () => {
    const f = await assetWithImage();
    await saveAltText({
      ctx: designer,
      assetId: f.asset.id,
      input: { text: "  A red ball   on a lawn. ", confirm: false },
    });
    expect(await row(f.asset.id)).toMatchObject({
      altText: "A red ball on a lawn.",
      altTextStatus: "draft",
      altTextSource: "person",
    });
    expect(await lastAudit(f.asset.id)).toMatchObject({ action: "alt_text.edited", actorId: designer.actor.id });

    await saveAltText({ ctx: reviewer, assetId: f.asset.id, input: { text: "A red ball on a lawn.", confirm: true } });
    const confirmed = await row(f.asset.id);
    expect(confirmed).toMatchObject({ altTextStatus: "confirmed", altTextConfirmedBy: reviewer.actor.id });
    expect(await lastAudit(f.asset.id)).toMatchObject({ action: "alt_text.confirmed", actorId: reviewer.actor.id });
    expect((await searchRow(f.asset.id)).altTextStatus).toBe("confirmed");
    const view = await getAltTextView({ ctx: designer, assetId: f.asset.id });
    expect(view).toMatchObject({ status: "confirmed", confirmedBy: "Rita Reviewer", canEdit: true });
    expect((await searchLibrary({ ctx: designer, input: { q: "alt:confirmed lawn" } })).items.map((i) => i.id)).toEqual(
      [f.asset.id],
    );

    // Saving the same words changes nothing; changing them un-confirms.
    expect(
      await saveAltText({
        ctx: designer,
        assetId: f.asset.id,
        input: { text: "A red ball on a lawn.", confirm: false },
      }),
    ).toMatchObject({ changed: false, status: "confirmed" });
    await saveAltText({
      ctx: designer,
      assetId: f.asset.id,
      input: { text: "A red ball on a green lawn.", confirm: false },
    });
    expect(await row(f.asset.id)).toMatchObject({
      altTextStatus: "draft",
      altTextConfirmedBy: null,
      altTextConfirmedAt: null,
    });
    // Clearing the text leaves it missing.
    await saveAltText({ ctx: designer, assetId: f.asset.id, input: { text: "", confirm: false } });
    expect(await row(f.asset.id)).toMatchObject({ altText: null, altTextStatus: "none" });
  });

  it("holds the text to 1–250 characters when confirming, refuses banned terms, and follows the owner's rule", async () => {
    const f = await assetWithImage();
    await expect(
      saveAltText({ ctx: designer, assetId: f.asset.id, input: { text: "   ", confirm: true } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { text: ["Write the alt text before confirming it."] },
    });
    await expect(
      saveAltText({ ctx: designer, assetId: f.asset.id, input: { text: "x".repeat(251), confirm: false } }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await db().insert(bannedTerms).values({ term: "Acme", category: "trademark" });
    await expect(
      saveAltText({ ctx: designer, assetId: f.asset.id, input: { text: "An Acme mug.", confirm: true } }),
    ).rejects.toMatchObject({
      code: "policy_blocked",
      message: expect.stringContaining("“Acme” (trademark)"),
    });
    await saveAltText({ ctx: designer, assetId: f.asset.id, input: { text: "An Acme mug.", confirm: false } });
    expect((await getAltTextView({ ctx: designer, assetId: f.asset.id })).bannedTerms).toEqual(["Acme"]);
    await db().delete(bannedTerms).where(eq(bannedTerms.term, "Acme"));

    await expect(
      saveAltText({ ctx: otherDesigner, assetId: f.asset.id, input: { text: "Mine now.", confirm: true } }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(
      saveAltText({ ctx: finance, assetId: f.asset.id, input: { text: "Numbers.", confirm: true } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(getAltTextView({ ctx: otherDesigner, assetId: f.asset.id })).rejects.toMatchObject({
      code: "not_found",
    });
    expect((await getAltTextView({ ctx: reviewer, assetId: f.asset.id })).canEdit).toBe(true);
  });
});

describe("approval hook", () => {
  it("a reviewer's approval asks for a draft when the engine is on and the asset has no alt text", async () => {
    const f = await approvedAsset();
    expect(sent).toEqual([
      { assetId: f.asset.id, requestedBy: null, overwrite: false, key: expect.stringMatching(/^approved-\d+$/) },
    ]);
    // Bulk approval too; an asset that already has text is left alone.
    const [a, b] = [await assetWithImage(), await assetWithImage()];
    await saveAltText({ ctx: designer, assetId: b.asset.id, input: { text: "Already written.", confirm: false } });
    sent.length = 0;
    await bulkApprove({
      ctx: reviewer,
      input: { items: [a, b].map((x) => ({ assetId: x.asset.id, assetVersionId: x.version.id })) },
    });
    expect(sent.map((s) => s.assetId)).toEqual([a.asset.id]);
  });

  it("does nothing when drafting is off, for draft-tier assets, or for assets not approved", async () => {
    const f = await assetWithImage();
    expect(await draftAltTextOnApproval({ db: db(), assetIds: [f.asset.id] })).toEqual([]); // in review
    await db().update(assets).set({ status: "approved", tier: "draft" }).where(eq(assets.id, f.asset.id));
    expect(await draftAltTextOnApproval({ db: db(), assetIds: [f.asset.id] })).toEqual([]);
    await db().update(assets).set({ tier: "support" }).where(eq(assets.id, f.asset.id));
    await db().update(altTextSettings).set({ engine: "off" });
    expect(await draftAltTextOnApproval({ db: db(), assetIds: [f.asset.id] })).toEqual([]);
    await db().update(altTextSettings).set({ engine: "a1111_interrogate" });
    expect(await draftAltTextOnApproval({ db: db(), assetIds: [f.asset.id] })).toEqual([f.asset.id]);
    expect(sent).toHaveLength(1);
  });
});
