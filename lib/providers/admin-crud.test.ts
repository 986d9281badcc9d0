import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, providers } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { verifyAuditChain } from "@/lib/audit";
import { seedCatalog, SIMULATOR_SLUG } from "@/lib/catalog/seed-catalog";
import { createUserFactory, ctxFor } from "@/test/factories";
import { listProvidersForAdmin } from "./admin-list";
import { createProvider, updateProvider } from "./admin-write";
import { providerConfig } from "./store";

let database: Database;
let ctx: ReturnType<typeof ctxFor>;
const KEY = "r8_live_secret_value_ABCD1234";
// No network here: host names resolve through this table (a public and a sneaky private one).
const HOSTS: Record<string, string> = { "api.replicate.com": "203.0.113.80", "gpu.example.test": "10.1.2.3" };
const deps = {
  lookup: async (host: string) => {
    if (!HOSTS[host]) throw new Error(`ENOTFOUND ${host}`);
    return [{ address: HOSTS[host], family: 4 }];
  },
};

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:7860" });
  ctx = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
});
afterAll(() => database.close());

const rowOf = async (id: string) => (await database.db.select().from(providers).where(eq(providers.id, id)))[0]!;
const auditsOf = async (id: string) =>
  (await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id)).orderBy(auditEvents.seq)).map(
    (e) => ({ action: e.action, data: e.data }),
  );

describe("GPU endpoint secrets", () => {
  it("seals the API key at rest, never returns or audits it, and shows only its last four characters", async () => {
    const created = await createProvider({
      ctx,
      deps,
      input: { slug: "replicate-main", name: "Replicate", kind: "replicate", baseUrl: "", apiKey: KEY },
    });
    expect(created).toMatchObject({ baseUrl: "https://api.replicate.com", hasSecret: true, secretLast4: "1234" });
    expect(JSON.stringify(created)).not.toContain(KEY.slice(0, 12));
    const row = await rowOf(created.id);
    expect(row.secretCiphertext).toMatch(/^v1\./);
    expect(row.secretCiphertext).not.toContain(KEY);
    expect(providerConfig(row).apiKey).toBe(KEY);
    const listed = (await listProvidersForAdmin({ ctx })).find((p) => p.id === created.id)!;
    expect(listed).not.toHaveProperty("secretCiphertext");
    expect(JSON.stringify(await auditsOf(created.id))).not.toContain(KEY);
  });

  it("keeps the key on a blank field, rotates it (audited without the value) and clears it on request", async () => {
    const p = await createProvider({
      ctx,
      input: {
        slug: "gpu-box-1",
        name: "GPU box",
        kind: "a1111",
        baseUrl: "http://10.0.0.7:7860/",
        allowPrivate: "on",
        apiKey: "first-key-000000",
      },
    });
    expect(p.baseUrl).toBe("http://10.0.0.7:7860");
    const sealed = (await rowOf(p.id)).secretCiphertext;
    await updateProvider({ ctx, input: { providerId: p.id, name: "GPU box (rack 2)", apiKey: "  " } });
    expect((await rowOf(p.id)).secretCiphertext).toBe(sealed);
    await updateProvider({ ctx, input: { providerId: p.id, apiKey: "second-key-99999" } });
    expect(providerConfig(await rowOf(p.id)).apiKey).toBe("second-key-99999");
    const cleared = await updateProvider({ ctx, input: { providerId: p.id, clearApiKey: true } });
    expect(cleared).toMatchObject({ hasSecret: false, secretLast4: null });
    expect((await rowOf(p.id)).secretCiphertext).toBeNull();
    const audits = await auditsOf(p.id);
    expect(audits.map((a) => a.action)).toEqual([
      "provider.created",
      "provider.updated",
      "provider.secret_rotated",
      "provider.secret_rotated",
    ]);
    expect(audits.slice(2).map((a) => a.data.event)).toEqual(["rotated", "cleared"]);
    expect(JSON.stringify(audits)).not.toMatch(/first-key|second-key/);
    expect((await verifyAuditChain({ db: ctx.db })).ok).toBe(true);
  });

  it("refuses a missing key for kinds that need one, and clearing it there", async () => {
    await expect(
      createProvider({ ctx, input: { slug: "openai-x", name: "OpenAI", kind: "openai" } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { apiKey: ["OpenAI images needs an API key."] },
    });
    const p = (await listProvidersForAdmin({ ctx })).find((x) => x.slug === "replicate-main")!;
    await expect(updateProvider({ ctx, input: { providerId: p.id, clearApiKey: "on" } })).rejects.toMatchObject({
      code: "invalid_input",
    });
  });
});

describe("GPU endpoint URLs", () => {
  it("refuses metadata, link-local and (unless allowed) private addresses on create", async () => {
    const base = { name: "Bad", kind: "a1111" };
    await expect(
      createProvider({ ctx, input: { ...base, slug: "meta-1", baseUrl: "http://169.254.169.254/latest" } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { baseUrl: [expect.stringContaining("cloud metadata")] },
    });
    await expect(
      createProvider({
        ctx,
        input: { ...base, slug: "meta-2", baseUrl: "http://metadata.google.internal", allowPrivate: true },
      }),
    ).rejects.toMatchObject({
      fields: { baseUrl: [expect.stringContaining("never allowed")] },
    });
    await expect(
      createProvider({ ctx, input: { ...base, slug: "ll-1", baseUrl: "http://[fe80::1]:7860", allowPrivate: true } }),
    ).rejects.toMatchObject({
      fields: { baseUrl: [expect.stringContaining("link-local")] },
    });
    await expect(
      createProvider({ ctx, input: { ...base, slug: "lan-1", baseUrl: "http://192.168.1.20:7860" } }),
    ).rejects.toMatchObject({
      fields: { baseUrl: [expect.stringContaining("allow private network")] },
    });
    await expect(
      createProvider({ ctx, input: { ...base, slug: "ftp-1", baseUrl: "ftp://203.0.113.5" } }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      createProvider({ ctx, input: { ...base, slug: "cred-1", baseUrl: "http://user:pw@203.0.113.5" } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(
      createProvider({ ctx, deps, input: { ...base, slug: "dns-1", baseUrl: "http://gpu.example.test:7860" } }),
    ).rejects.toMatchObject({
      fields: { baseUrl: [expect.stringContaining("gpu.example.test (10.1.2.3)")] },
    });
    await expect(
      createProvider({ ctx, deps, input: { ...base, slug: "dns-2", baseUrl: "http://nowhere.example.test" } }),
    ).rejects.toMatchObject({
      fields: { baseUrl: [expect.stringContaining("could not be resolved")] },
    });
    expect(await database.db.select().from(providers).where(eq(providers.name, "Bad"))).toHaveLength(0);
  });

  it("checks the URL again on update, including when the private-network flag is turned off", async () => {
    const p = await createProvider({
      ctx,
      input: { slug: "public-box", name: "Public box", kind: "comfyui", baseUrl: "http://203.0.113.9:8188" },
    });
    await expect(
      updateProvider({ ctx, input: { providerId: p.id, baseUrl: "http://169.254.169.254" } }),
    ).rejects.toMatchObject({
      fields: { baseUrl: [expect.stringContaining("metadata")] },
    });
    await expect(
      updateProvider({ ctx, input: { providerId: p.id, baseUrl: "http://127.0.0.1:8188" } }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await updateProvider({ ctx, input: { providerId: p.id, baseUrl: "http://127.0.0.1:8188", allowPrivate: true } });
    await expect(updateProvider({ ctx, input: { providerId: p.id, allowPrivate: false } })).rejects.toMatchObject({
      code: "invalid_input",
    });
    expect((await rowOf(p.id)).baseUrl).toBe("http://127.0.0.1:8188");
  });

  it("validates numbers and slugs with field messages", async () => {
    await expect(
      createProvider({
        ctx,
        input: {
          slug: "Bad Slug!",
          name: "",
          kind: "midjourney",
          baseUrl: "http://203.0.113.5",
          concurrencyLimit: "0",
          timeoutMs: "500",
        },
      }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: {
        slug: [expect.stringContaining("lowercase")],
        name: ["Enter a name."],
        kind: [expect.stringContaining("Kind must be one of")],
        concurrencyLimit: ["At least 1 call at a time."],
        timeoutMs: ["The timeout must be at least 1 second."],
      },
    });
    await expect(
      createProvider({
        ctx,
        input: { slug: "slow-box", name: "Slow", kind: "a1111", baseUrl: "http://203.0.113.5", timeoutMs: 1_800_001 },
      }),
    ).rejects.toMatchObject({
      fields: { timeoutMs: ["The timeout must be at most 30 minutes."] },
    });
    await expect(
      createProvider({
        ctx,
        input: { slug: "public-box", name: "Again", kind: "a1111", baseUrl: "http://203.0.113.5" },
      }),
    ).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("never re-points the built-in simulator by hand, but lets an admin rename and tune it", async () => {
    const [sim] = await database.db.select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG));
    await expect(
      updateProvider({ ctx, input: { providerId: sim!.id, baseUrl: "http://127.0.0.1:9999", allowPrivate: true } }),
    ).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("KILN_SIMULATOR_PORT"),
    });
    await expect(updateProvider({ ctx, input: { providerId: sim!.id, allowPrivate: false } })).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(
      updateProvider({ ctx, input: { providerId: sim!.id, concurrencyLimit: "6", timeoutMs: "60000" } }),
    ).resolves.toMatchObject({
      isSimulator: true,
      concurrencyLimit: 6,
      baseUrl: "http://127.0.0.1:7860",
    });
  });

  it("is for admins only", async () => {
    const designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    await expect(listProvidersForAdmin({ ctx: designer })).rejects.toMatchObject({ code: "forbidden" });
    await expect(createProvider({ ctx: designer, input: {} })).rejects.toMatchObject({ code: "forbidden" });
  });
});
