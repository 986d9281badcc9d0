import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, DELIVERY_FORMATS, placements } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { AppError } from "@/lib/errors";
import { createUserFactory, ctxFor } from "@/test/factories";
import {
  archivePlacement,
  createPlacement,
  getPlacementsByIds,
  listActivePlacements,
  listPlacements,
  restorePlacement,
  updatePlacement,
} from ".";
import { aspectLabel, FORMAT_CHOICES } from "./shared";

type TestCtx = ReturnType<typeof ctxFor>;
let database: Database;
let ada: TestCtx;
let dana: TestCtx;

beforeAll(async () => {
  database = await createTestDatabase();
  ada = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
  dana = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
}, 120_000);
afterAll(() => database.close());

async function failure(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const pin = (over: Record<string, unknown> = {}) => ({
  slug: "pinterest-pin",
  name: "Pinterest pin 2:3",
  channel: "custom",
  width: 1000,
  height: 1500,
  safeZone: { top: 0.05, right: 0.05, bottom: 0.1, left: 0.05 },
  defaultFormat: "jpeg",
  defaultQuality: 88,
  ...over,
});

async function audits(id: string) {
  return (
    await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectType, "placement"), eq(auditEvents.subjectId, id)))
  ).map((e) => e.action);
}

describe("placements", () => {
  it("lists the seeded Meta, Google Display, TikTok and custom placements in order", async () => {
    const { active, archived } = await listPlacements(database.db);
    expect(archived).toEqual([]);
    expect(active.map((p) => p.slug)).toEqual([
      "meta-feed-square",
      "meta-feed-portrait",
      "meta-stories-reels",
      "meta-link",
      "google-medium-rectangle",
      "google-leaderboard",
      "google-mobile-banner",
      "google-half-page",
      "google-landscape",
      "tiktok-in-feed",
      "custom-web-hero",
    ]);
    expect(active.find((p) => p.slug === "meta-stories-reels")).toMatchObject({
      width: 1080,
      height: 1920,
      safeZone: { top: 0.14, bottom: 0.35 },
    });
  });

  it("creates a placement, audited, last in the order, with defaults for what was left out", async () => {
    const created = await createPlacement({ ctx: ada, input: pin() });
    expect(created).toMatchObject({
      slug: "pinterest-pin",
      width: 1000,
      height: 1500,
      defaultFormat: "jpeg",
      defaultQuality: 88,
      createdBy: ada.actor.id,
      archivedAt: null,
    });
    expect((await listActivePlacements(database.db)).at(-1)!.id).toBe(created.id);
    expect(await audits(created.id)).toEqual(["placement.created"]);

    const bare = await createPlacement({
      ctx: ada,
      input: { slug: "square-small", name: "Small square", channel: "custom", width: "512", height: "512" },
    });
    expect(bare).toMatchObject({
      width: 512,
      safeZone: { top: 0, right: 0, bottom: 0, left: 0 },
      defaultFormat: "webp",
      defaultQuality: 82,
    });
  });

  it("refuses a duplicate slug with a clear conflict, archived placements included", async () => {
    const error = await failure(createPlacement({ ctx: ada, input: pin({ name: "Another pin" }) }));
    expect(error.code).toBe("conflict");
    expect(error.message).toMatch(/“pinterest-pin” is already used/);
    expect(error.fields).toEqual({ slug: ["Already in use."] });
    const seeded = (await listActivePlacements(database.db)).find((p) => p.slug === "meta-link")!;
    await archivePlacement({ ctx: ada, input: { id: seeded.id } });
    expect((await failure(createPlacement({ ctx: ada, input: pin({ slug: "meta-link" }) }))).code).toBe("conflict");
    await restorePlacement({ ctx: ada, input: { id: seeded.id } });
    const mine = (await listActivePlacements(database.db)).find((p) => p.slug === "square-small")!;
    expect((await failure(updatePlacement({ ctx: ada, input: { id: mine.id, slug: "pinterest-pin" } }))).code).toBe(
      "conflict",
    );
  });

  it("lets exactly one of two concurrent creates with the same slug win; the other is the same clear conflict", async () => {
    const results = await Promise.allSettled(
      [0, 1].map((i) => createPlacement({ ctx: ada, input: pin({ slug: "race-slug", name: `Race ${i}` }) })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [lost] = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(lost!.reason).toBeInstanceOf(AppError);
    expect((lost!.reason as AppError).code).toBe("conflict");
    expect(await database.db.select().from(placements).where(eq(placements.slug, "race-slug"))).toHaveLength(1);
  });

  it("validates every field with a message that says what is wrong", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ slug: "Pinterest Pin" }, "slug", /lower-case letters, digits and hyphens/],
      [{ slug: "-pin" }, "slug", /not starting or ending with a hyphen/],
      [{ name: " " }, "name", /Enter a name/],
      [{ channel: "snapchat" }, "channel", /meta, google, tiktok or custom/],
      [{ width: 15 }, "width", /at least 16 pixels/],
      [{ height: 8193 }, "height", /at most 8192 pixels/],
      [{ width: 100.5 }, "width", /whole number/],
      [{ safeZone: { top: 0.46, right: 0, bottom: 0, left: 0 } }, "safeZone.top", /at most 0.45/],
      [{ safeZone: { top: -0.1, right: 0, bottom: 0, left: 0 } }, "safeZone.top", /cannot be negative/],
      [
        { safeZone: { top: 0.45, right: 0, bottom: 0.45, left: 0 } },
        "safeZone.bottom",
        /Top and bottom margins together/,
      ],
      [{ safeZone: { top: 0, right: 0.4, bottom: 0, left: 0.5 } }, "safeZone.left", /at most 0.45/],
      [
        { safeZone: { top: 0, right: 0.45, bottom: 0, left: 0.45 } },
        "safeZone.right",
        /Left and right margins together/,
      ],
      [{ defaultFormat: "gif" }, "defaultFormat", /webp, avif, jpeg or png/],
      [{ defaultQuality: 0 }, "defaultQuality", /at least 1/],
      [{ defaultQuality: 101 }, "defaultQuality", /at most 100/],
    ];
    for (const [over, field, message] of cases) {
      const error = await failure(createPlacement({ ctx: ada, input: pin({ slug: "valid-slug", ...over }) }));
      expect(error.code, JSON.stringify(over)).toBe("invalid_input");
      expect(error.fields?.[field]?.join(" "), JSON.stringify(over)).toMatch(message);
    }
    // Just inside the limits is fine.
    const edge = await createPlacement({
      ctx: ada,
      input: pin({
        slug: "edge-case",
        width: 16,
        height: 8192,
        defaultQuality: 1,
        safeZone: { top: 0.45, right: 0.45, bottom: 0.44, left: 0.44 },
      }),
    });
    expect(edge.safeZone).toEqual({ top: 0.45, right: 0.45, bottom: 0.44, left: 0.44 });
    expect(await database.db.select().from(placements).where(eq(placements.slug, "valid-slug"))).toEqual([]);
  });

  it("updates only what changed, auditing before and after; an empty change writes nothing", async () => {
    const p = (await listActivePlacements(database.db)).find((x) => x.slug === "pinterest-pin")!;
    const updated = await updatePlacement({
      ctx: ada,
      input: { id: p.id, name: "Pinterest standard pin", defaultQuality: 90, width: 1000 },
    });
    expect(updated).toMatchObject({
      name: "Pinterest standard pin",
      defaultQuality: 90,
      width: 1000,
      slug: "pinterest-pin",
    });
    const [event] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "placement.updated"), eq(auditEvents.subjectId, p.id)));
    expect(event!.data).toEqual({
      slug: "pinterest-pin",
      changes: {
        name: { from: "Pinterest pin 2:3", to: "Pinterest standard pin" },
        defaultQuality: { from: 88, to: 90 },
      },
    });
    await updatePlacement({ ctx: ada, input: { id: p.id, name: "Pinterest standard pin" } });
    expect(await audits(p.id)).toEqual(["placement.created", "placement.updated"]);
    expect(
      (
        await failure(
          updatePlacement({ ctx: ada, input: { id: p.id, safeZone: { top: 0.5, right: 0, bottom: 0, left: 0 } } }),
        )
      ).code,
    ).toBe("invalid_input");
    expect(
      (
        await failure(
          updatePlacement({ ctx: ada, input: { id: "6d1f7a52-4c55-4b6e-9a53-0e2c1f000000", name: "Ghost" } }),
        )
      ).code,
    ).toBe("not_found");
  });

  it("archives out of the active list and restores into it, each audited once", async () => {
    const p = (await listActivePlacements(database.db)).find((x) => x.slug === "pinterest-pin")!;
    const archived = await archivePlacement({ ctx: ada, input: { id: p.id } });
    expect(archived.archivedAt).toBeInstanceOf(Date);
    await archivePlacement({ ctx: ada, input: { id: p.id } }); // idempotent
    const lists = await listPlacements(database.db);
    expect(lists.active.map((x) => x.id)).not.toContain(p.id);
    expect(lists.archived.map((x) => x.id)).toEqual([p.id]);
    // An export that recorded the placement still finds it.
    expect((await getPlacementsByIds(database.db, [p.id, "not-a-uuid"])).map((x) => x.slug)).toEqual(["pinterest-pin"]);
    const restored = await restorePlacement({ ctx: ada, input: { id: p.id } });
    expect(restored.archivedAt).toBeNull();
    expect((await listActivePlacements(database.db)).map((x) => x.id)).toContain(p.id);
    expect(await audits(p.id)).toEqual([
      "placement.created",
      "placement.updated",
      "placement.archived",
      "placement.restored",
    ]);
  });

  it("is admin-only", async () => {
    const p = (await listActivePlacements(database.db))[0]!;
    expect((await failure(createPlacement({ ctx: dana, input: pin({ slug: "designer-pin" }) }))).code).toBe(
      "forbidden",
    );
    expect((await failure(updatePlacement({ ctx: dana, input: { id: p.id, name: "Mine now" } }))).code).toBe(
      "forbidden",
    );
    expect((await failure(archivePlacement({ ctx: dana, input: { id: p.id } }))).code).toBe("forbidden");
    expect((await failure(restorePlacement({ ctx: dana, input: { id: p.id } }))).code).toBe("forbidden");
  });

  it("getPlacementsByIds returns the known ones in the admin's order, nothing for no ids", async () => {
    const active = await listActivePlacements(database.db);
    const picked = await getPlacementsByIds(database.db, [active[3]!.id, active[0]!.id, active[3]!.id]);
    expect(picked.map((p) => p.id)).toEqual([active[0]!.id, active[3]!.id]);
    expect(await getPlacementsByIds(database.db, [])).toEqual([]);
  });
});

describe("shared helpers", () => {
  it("names aspect ratios the way channels do", () => {
    expect(aspectLabel(1080, 1920)).toBe("9:16");
    expect(aspectLabel(1080, 1350)).toBe("4:5");
    expect(aspectLabel(1200, 628)).toBe("1.91:1");
    expect(aspectLabel(728, 90)).toBe("8.09:1");
    expect(aspectLabel(300, 600)).toBe("1:2");
    expect(aspectLabel(1920, 1080)).toBe("16:9");
  });

  it("offers exactly the schema's formats", () => {
    expect([...FORMAT_CHOICES]).toEqual([...DELIVERY_FORMATS]);
  });
});
