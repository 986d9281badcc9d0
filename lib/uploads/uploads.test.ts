import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { useDatabaseForTests, type Database } from "@/db";
import { auditEvents, uploads } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createRenditions } from "@/inngest/functions/uploads/create-renditions";
import { getBlobStore } from "@/lib/storage";
import { createUserFactory, ctxFor } from "@/test/factories";
import { createUpload, requestRenditions } from "./create-upload";
import { listUploads } from "./list-uploads";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
});
afterAll(() => database.close());

const MAX = 2 * 1024 * 1024;
const png = (w: number, h: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 80, b: 20 } } })
    .png()
    .toBuffer();

async function designerCtx() {
  return ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
}

describe("uploads", () => {
  it("stores the original, records it and announces it for renditions", async () => {
    const ctx = await designerCtx();
    const announced: string[] = [];
    const bytes = await png(1600, 900);
    const upload = await createUpload({
      ctx,
      input: { filename: "hero.png", bytes },
      store: getBlobStore(),
      maxBytes: MAX,
      announce: async (id) => void announced.push(id),
    });
    // What is stored is the image without its metadata chunks (sharp writes a pHYs), so a little smaller.
    expect(upload).toMatchObject({
      filename: "hero.png",
      contentType: "image/png",
      width: 1600,
      height: 900,
      status: "processing",
    });
    expect(upload.bytes).toBeLessThanOrEqual(bytes.length);
    expect(announced).toEqual([upload.id]);
    const stored = await getBlobStore().get(upload.blobKey);
    stored?.body.destroy(); // only the size is checked here
    expect(stored?.size).toBe(upload.bytes);
    const views = await listUploads({ ctx });
    expect(views.map((v) => v.id)).toEqual([upload.id]);
  });

  it("refuses what is not an image, too large, or empty — judged by the bytes, and audited", async () => {
    const ctx = await designerCtx();
    const store = getBlobStore();
    const announce = async () => {};
    await expect(
      createUpload({
        ctx,
        input: { filename: "notes.png", bytes: Buffer.from("just text, named like an image") },
        store,
        maxBytes: MAX,
        announce,
      }),
    ).rejects.toMatchObject({ code: "unsupported_media_type" });
    await expect(
      createUpload({
        ctx,
        input: { filename: "big.png", bytes: Buffer.alloc(MAX + 1) },
        store,
        maxBytes: MAX,
        announce,
      }),
    ).rejects.toMatchObject({
      code: "payload_too_large",
    });
    await expect(
      createUpload({ ctx, input: { filename: "empty.png", bytes: Buffer.alloc(0) }, store, maxBytes: MAX, announce }),
    ).rejects.toMatchObject({
      code: "invalid_input",
    });
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
    );
    await expect(
      createUpload({ ctx, input: { filename: "x.svg", bytes: svg }, store, maxBytes: MAX, announce }),
    ).rejects.toMatchObject({
      code: "unsupported_media_type",
    });
    const rejected = await ctx.db.select().from(auditEvents).where(eq(auditEvents.action, "upload.rejected"));
    expect(rejected.length).toBeGreaterThanOrEqual(4);
    expect(await listUploads({ ctx })).toEqual([]);
  });

  it("keeps the upload and marks it failed when the engine is unreachable; retry re-queues it", async () => {
    const ctx = await designerCtx();
    const down = async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:8288");
    };
    const upload = await createUpload({
      ctx,
      input: { filename: "a.png", bytes: await png(64, 64) },
      store: getBlobStore(),
      maxBytes: MAX,
      announce: down,
    });
    expect(upload.status).toBe("failed");
    expect(upload.error).toContain("background engine did not answer");
    const keys: string[] = [];
    const retried = await requestRenditions({
      ctx,
      upload,
      announce: async (_id, key) => void keys.push(key),
      sendKey: "retry-1",
    });
    expect(retried).toMatchObject({ status: "processing", error: null });
    expect(keys).toEqual(["retry-1"]);
  });

  it("the renditions function makes a thumbnail and a preview and marks the upload ready", async () => {
    const ctx = await designerCtx();
    const upload = await createUpload({
      ctx,
      input: { filename: "wide.png", bytes: await png(2400, 1200) },
      store: getBlobStore(),
      maxBytes: 20 * MAX,
      announce: async () => {},
    });
    const t = new InngestTestEngine({
      function: createRenditions,
      events: [{ name: "kiln/upload.created", data: { uploadId: upload.id } }],
    });
    // The last step asks the engine for the new asset's checks (lib/assets/uploaded-assets.test.ts covers the asset).
    const { result, error } = await t.execute({
      steps: [{ id: "request-checks", handler: () => ({ ids: ["test"] }) }],
    });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ uploadId: upload.id });
    const [row] = await ctx.db.select().from(uploads).where(eq(uploads.id, upload.id));
    expect(row!.status).toBe("ready");
    expect(row!.renditions.thumb).toMatchObject({ width: 320, height: 160, contentType: "image/webp" });
    expect(row!.renditions.preview).toMatchObject({ width: 1280, height: 640 });
    const thumb = await getBlobStore().get(row!.renditions.thumb!.key);
    const chunks: Buffer[] = [];
    for await (const c of thumb!.body) chunks.push(c as Buffer);
    expect((await sharp(Buffer.concat(chunks)).metadata()).format).toBe("webp");
  });

  it("the renditions function marks the upload failed when the original is gone", async () => {
    const ctx = await designerCtx();
    const upload = await createUpload({
      ctx,
      input: { filename: "gone.png", bytes: await png(50, 50) },
      store: getBlobStore(),
      maxBytes: MAX,
      announce: async () => {},
    });
    await getBlobStore().delete(upload.blobKey);
    const t = new InngestTestEngine({
      function: createRenditions,
      events: [{ name: "kiln/upload.created", data: { uploadId: upload.id } }],
    });
    const { error } = await t.execute();
    expect(String((error as Error | undefined)?.message ?? error)).toContain("missing from storage");
  });
});
