import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import { assets, auditEvents } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import type { Ctx } from "@/lib/auth/context";
import { can, type Permission } from "@/lib/auth/permissions";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { AppError } from "@/lib/errors";
import { createAssetInReview } from "@/lib/review/testing";
import { createUserFactory, ctxFor } from "@/test/factories";

// The real route and lib on a real database; only the session lookup is replaced by "who is signed in",
// and it still refuses a role without the permission the way lib/auth/resolve-session does.
vi.mock("server-only", () => ({}));
let signedIn: Ctx | null = null;
vi.mock("@/lib/auth/guard", () => ({
  requireCtx: async (permission: Permission) => {
    if (!signedIn) throw new AppError("unauthenticated", "Sign in.");
    if (!can(signedIn.actor.role, permission)) throw new AppError("forbidden", "You may not do that.");
    return signedIn;
  },
}));
const { PUT } = await import("./route");

let database: Database;
let dana: Ctx;
let gus: Ctx;
let rita: Ctx;
let finn: Ctx;
let assetId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const user = async (role: "designer" | "reviewer" | "finance") =>
    ctxFor(database.db, await createUserFactory(database.db, { role }));
  [dana, gus, rita, finn] = [
    await user("designer"),
    await user("designer"),
    await user("reviewer"),
    await user("finance"),
  ];
  assetId = (await createAssetInReview(database.db, { ownerId: dana.actor.id })).asset.id;
}, 120_000);
afterAll(() => database.close());

async function put(as: Ctx, body: unknown, id = assetId) {
  signedIn = as;
  const response = await PUT(
    new Request(`http://localhost:3000/api/assets/${id}/focal-point`, {
      method: "PUT",
      headers: { origin: "http://localhost:3000", "sec-fetch-site": "same-origin", "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id }) },
  );
  return {
    status: response.status,
    body: (await response.json()) as {
      focal?: unknown;
      error?: { code: string; message: string; fields?: Record<string, string[]> };
    },
  };
}

async function stored() {
  const [row] = await database.db
    .select({ x: assets.focalX, y: assets.focalY })
    .from(assets)
    .where(eq(assets.id, assetId));
  return row;
}

describe("PUT /api/assets/[id]/focal-point", () => {
  it("lets the asset's designer set the point, stored and audited", async () => {
    const res = await put(dana, { x: 0.25, y: 0.7 });
    expect(res).toEqual({ status: 200, body: { assetId, focal: { x: 0.25, y: 0.7 } } });
    expect(await stored()).toEqual({ x: 0.25, y: 0.7 });
    const events = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "asset.focal_point_set"), eq(auditEvents.subjectId, assetId)));
    expect(events).toHaveLength(1);
    expect(events[0]!).toMatchObject({
      actorId: dana.actor.id,
      subjectType: "asset",
      data: { from: null, to: { x: 0.25, y: 0.7 } },
    });
  });

  it("answers 404 to another designer (the owner's rule), leaving the point alone", async () => {
    const res = await put(gus, { x: 0.9, y: 0.1 });
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe("not_found");
    expect(await stored()).toEqual({ x: 0.25, y: 0.7 });
  });

  it("lets a reviewer set it (reviewers act on every asset)", async () => {
    const res = await put(rita, { x: 0.6, y: 0.4 });
    expect(res.status).toBe(200);
    expect(await stored()).toEqual({ x: 0.6, y: 0.4 });
  });

  it("refuses finance (no assets.describe) with 403", async () => {
    const res = await put(finn, { x: 0.1, y: 0.1 });
    expect(res.status).toBe(403);
    expect(await stored()).toEqual({ x: 0.6, y: 0.4 });
  });

  it("validates the body: fractions 0–1, or reset", async () => {
    for (const body of [
      { x: 1.2, y: 0.5 },
      { x: -0.1, y: 0.5 },
      { x: 0.5 },
      { x: "0.5", y: 0.5 },
      { reset: false },
      { x: 0.5, y: 0.5, reset: true },
      [],
    ]) {
      const res = await put(dana, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error?.code).toBe("invalid_input");
    }
    expect(await stored()).toEqual({ x: 0.6, y: 0.4 });
  });

  it("resets to automatic (null), audited with what it was", async () => {
    const res = await put(dana, { reset: true });
    expect(res.body).toEqual({ assetId, focal: null });
    expect(await stored()).toEqual({ x: null, y: null });
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "asset.focal_point_set"));
    expect(events.at(-1)!.data).toEqual({ from: { x: 0.6, y: 0.4 }, to: null });
  });

  it("answers 404 for an unknown or malformed asset id", async () => {
    expect((await put(dana, { x: 0.5, y: 0.5 }, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await put(dana, { x: 0.5, y: 0.5 }, "nope")).status).toBe(404);
  });
});
