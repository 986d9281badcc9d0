import fs from "node:fs/promises";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { useDatabaseForTests, type Database } from "@/db";
import { auditEvents, uploads } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createRenditions } from "@/inngest/functions/uploads/create-renditions";
import { nsfwCheck, shutdownModelChecks } from "@/lib/checks/models";
import { getBlobStore } from "@/lib/storage";
import { createUserFactory, ctxFor } from "@/test/factories";
import { createUpload } from "./create-upload";
import { screenUpload } from "./screen-upload";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
});
afterAll(async () => {
  await shutdownModelChecks();
  await database.close();
});

async function uploadPhoto(name: string) {
  const ctx = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  const bytes = await fs.readFile(path.join(process.cwd(), "test/fixtures/photos", name));
  return createUpload({
    ctx,
    input: { filename: name, bytes },
    store: getBlobStore(),
    maxBytes: 10 * 1024 * 1024,
    announce: async () => {},
  });
}

describe("the safety screen on uploaded reference images", () => {
  it("lets a real photograph through", async () => {
    const upload = await uploadPhoto("coffee.jpg");
    expect(await screenUpload({ db: database.db, store: getBlobStore(), uploadId: upload.id })).toEqual({
      allowed: true,
      reason: null,
    });
  }, 60_000);

  it("blocks an image the model flags, with its reason, logged for admins, and makes no renditions", async () => {
    const upload = await uploadPhoto("astronaut.jpg");
    const spy = vi
      .spyOn(nsfwCheck, "run")
      .mockResolvedValue({
        score: 0.93,
        verdict: "fail",
        detail: "NSFW score 93% is at or above the rejection level of 40%.",
        reasonCode: "nsfw",
      });
    try {
      const t = new InngestTestEngine({
        function: createRenditions,
        events: [{ name: "kiln/upload.created", data: { uploadId: upload.id } }],
      });
      const { result, error } = await t.execute();
      expect(error).toBeUndefined();
      expect(result).toMatchObject({ uploadId: upload.id, blocked: expect.stringContaining("93%") });
    } finally {
      spy.mockRestore();
    }
    const [row] = await database.db.select().from(uploads).where(eq(uploads.id, upload.id));
    expect(row).toMatchObject({ status: "blocked", renditions: {} });
    expect(row!.error).toContain("Blocked by the safety check");
    const [event] = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "upload.blocked"));
    expect(event).toMatchObject({
      subjectId: upload.id,
      data: { check: "nsfw", score: 0.93, verdict: "fail", filename: "astronaut.jpg" },
    });
  }, 60_000);

  it("fails closed: an image the check cannot judge is blocked, not waved through", async () => {
    const upload = await uploadPhoto("chelsea.jpg");
    const spy = vi.spyOn(nsfwCheck, "run").mockRejectedValue(new Error("model worker died"));
    try {
      const out = await screenUpload({ db: database.db, store: getBlobStore(), uploadId: upload.id });
      expect(out.allowed).toBe(false);
      expect(out.reason).toContain("model worker died");
    } finally {
      spy.mockRestore();
    }
  });
});
