import { asc, eq } from "drizzle-orm";
import sharp from "sharp";
import { z } from "zod";
import type { Db, DbExecutor } from "@/db";
import { altTextSettings, providers, users, type Provider } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { SIMULATOR_SLUG } from "@/lib/catalog/seed-catalog";
import { providerConfig } from "@/lib/providers/store";
import { ProviderError, type AdapterDeps } from "@/lib/providers/types";
import { cleanCaption } from "./clean";
import {
  ALT_TEXT_ENGINE_INFO,
  ALT_TEXT_ENGINES,
  createCaptioner,
  engineLabel,
  type AltTextEngineId,
  type Captioner,
  type DraftingEngineId,
} from "./engines";

/** The one row of alt_text_settings (migration 0012 seeds it "off"). */
export async function loadAltTextSettings(db: DbExecutor) {
  const [row] = await db.select().from(altTextSettings).where(eq(altTextSettings.id, 1)).limit(1);
  return row ?? { id: 1, engine: "off", providerId: null, model: null, updatedBy: null, updatedAt: new Date(0) };
}

export type ResolvedEngine = {
  engine: DraftingEngineId;
  label: string;
  provider: Provider;
  model: string;
  captioner: Captioner;
};

/** The engine in force with its endpoint and secret, or null when drafting is off or its endpoint is gone. */
export async function resolveAltTextEngine(db: DbExecutor, deps?: AdapterDeps): Promise<ResolvedEngine | null> {
  const s = await loadAltTextSettings(db);
  if (s.engine === "off" || !s.providerId) return null;
  return buildEngine(db, { engine: s.engine as DraftingEngineId, providerId: s.providerId, model: s.model }, deps);
}

async function buildEngine(
  db: DbExecutor,
  s: { engine: DraftingEngineId; providerId: string; model: string | null },
  deps?: AdapterDeps,
): Promise<ResolvedEngine | null> {
  const info = ALT_TEXT_ENGINE_INFO[s.engine];
  if (!info) return null;
  const [provider] = await db.select().from(providers).where(eq(providers.id, s.providerId)).limit(1);
  if (!provider) return null;
  const model = s.model?.trim() || info.defaultModel;
  return {
    engine: s.engine,
    label: info.label,
    provider,
    model,
    captioner: createCaptioner(s.engine, providerConfig(provider), deps),
  };
}

function assertCanManage(ctx: Ctx): void {
  if (!can(ctx.actor.role, "delivery.manage"))
    throw new AppError("forbidden", "Only admins choose the alt-text engine.");
}

export type AltTextSettingsView = {
  engine: AltTextEngineId;
  providerId: string | null;
  model: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
  engines: { id: DraftingEngineId; label: string; providerKind: string; defaultModel: string; modelHint: string }[];
  providers: { id: string; name: string; kind: string; isSimulator: boolean; paused: boolean }[];
};

export async function getAltTextSettingsView({ ctx }: { ctx: Ctx }): Promise<AltTextSettingsView> {
  assertCanManage(ctx);
  const s = await loadAltTextSettings(ctx.db);
  const [who] = s.updatedBy
    ? await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, s.updatedBy)).limit(1)
    : [];
  const rows = await ctx.db.select().from(providers).orderBy(asc(providers.name));
  return {
    engine: s.engine as AltTextEngineId,
    providerId: s.providerId,
    model: s.model,
    updatedAt: s.updatedBy ? s.updatedAt.toISOString() : null,
    updatedBy: who?.name ?? null,
    engines: (Object.keys(ALT_TEXT_ENGINE_INFO) as DraftingEngineId[]).map((id) => ({
      id,
      ...ALT_TEXT_ENGINE_INFO[id],
    })),
    providers: rows.map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind,
      isSimulator: p.isSimulator,
      paused: p.paused,
    })),
  };
}

export const altTextSettingsInput = z
  .object({
    engine: z.enum(ALT_TEXT_ENGINES, { error: "Choose an engine, or Off." }),
    providerId: z.string().uuid("Choose the endpoint the engine calls.").nullable().default(null),
    model: z
      .string()
      .trim()
      .max(200, "Model names are at most 200 characters.")
      .nullable()
      .default(null)
      .transform((m) => m || null),
  })
  .superRefine((v, issue) => {
    if (v.engine !== "off" && !v.providerId)
      issue.addIssue({ code: "custom", path: ["providerId"], message: "Choose the endpoint the engine calls." });
  });
export type AltTextSettingsInput = z.input<typeof altTextSettingsInput>;

/** Checks the chosen endpoint exists and is of the engine's kind (an OpenAI engine cannot call an A1111 endpoint). */
async function checkChoice(db: DbExecutor, data: z.infer<typeof altTextSettingsInput>): Promise<Provider | null> {
  if (data.engine === "off") return null;
  const [provider] = await db.select().from(providers).where(eq(providers.id, data.providerId!)).limit(1);
  if (!provider)
    throw new AppError("invalid_input", "That GPU endpoint does not exist.", {
      fields: { providerId: ["Choose one of the listed endpoints."] },
    });
  const info = ALT_TEXT_ENGINE_INFO[data.engine];
  if (provider.kind !== info.providerKind) {
    throw new AppError(
      "invalid_input",
      `${info.label} calls ${info.providerKind} endpoints; “${provider.name}” is ${provider.kind}.`,
      {
        fields: { providerId: [`Choose a ${info.providerKind} endpoint.`] },
      },
    );
  }
  return provider;
}

export async function setAltTextSettings({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AltTextSettingsView> {
  assertCanManage(ctx);
  const data = parseInput(altTextSettingsInput, input);
  await checkChoice(ctx.db, data);
  const values = {
    engine: data.engine,
    providerId: data.engine === "off" ? null : data.providerId,
    model: data.engine === "off" ? null : data.model,
    updatedBy: ctx.actor.id,
    updatedAt: new Date(),
  };
  await ctx.db.transaction(async (tx) => {
    await tx
      .insert(altTextSettings)
      .values({ id: 1, ...values })
      .onConflictDoUpdate({ target: altTextSettings.id, set: values });
    await recordAudit({
      db: tx,
      input: {
        actor: { id: ctx.actor.id, email: ctx.actor.email },
        action: "alt_text.settings_changed",
        subject: { type: "alt_text_settings", id: "1" },
        data: { engine: values.engine, providerId: values.providerId, model: values.model },
        ip: ctx.ip,
      },
    });
  });
  return getAltTextSettingsView({ ctx });
}

/** The sample picture the admin's "Test" button sends: a red ball and a grey block on a green field under a blue sky. */
export async function sampleImage(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="384">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5b8fd9"/><stop offset="1" stop-color="#a9c8f0"/></linearGradient></defs>
    <rect width="512" height="230" fill="url(#sky)"/><rect y="230" width="512" height="154" fill="#3f7d3a"/>
    <circle cx="200" cy="250" r="48" fill="#d8322a"/><rect x="300" y="190" width="90" height="90" fill="#8a8a8a"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

export type EngineTestResult =
  | { ok: true; caption: string; altText: string; ms: number; engine: string; model: string }
  | { ok: false; message: string };

/** Drafts alt text for the sample picture with the engine on the form (saved or not): what the admin sees before switching. */
export async function testAltTextEngine({
  ctx,
  input,
  deps,
}: {
  ctx: Ctx;
  input: unknown;
  deps?: AdapterDeps;
}): Promise<EngineTestResult> {
  assertCanManage(ctx);
  const data = parseInput(altTextSettingsInput, input);
  if (data.engine === "off")
    throw new AppError("invalid_input", "Choose an engine to test.", { fields: { engine: ["Choose an engine."] } });
  await checkChoice(ctx.db, data);
  const resolved = await buildEngine(
    ctx.db,
    { engine: data.engine, providerId: data.providerId!, model: data.model },
    deps,
  );
  if (!resolved) throw new AppError("invalid_input", "That GPU endpoint does not exist.");
  const started = Date.now();
  try {
    const out = await resolved.captioner.caption(
      { image: await sampleImage(), contentType: "image/jpeg", model: resolved.model },
      { timeoutMs: 60_000 },
    );
    return {
      ok: true,
      caption: out.caption,
      altText: cleanCaption(out.caption),
      ms: Date.now() - started,
      engine: engineLabel(data.engine),
      model: out.model,
    };
  } catch (error) {
    if (error instanceof ProviderError) return { ok: false, message: error.message };
    throw error;
  }
}

/**
 * First run with the built-in simulator: drafting works out of the box with A1111 interrogate
 * against it. Only while no admin has ever chosen (updated_by is null), so an admin's "Off" stays off.
 */
export async function seedAltTextDefault({ db }: { db: Db }): Promise<boolean> {
  const s = await loadAltTextSettings(db);
  if (s.engine !== "off" || s.updatedBy) return false;
  const [simulator] = await db.select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG)).limit(1);
  if (!simulator) return false;
  const values = { engine: "a1111_interrogate", providerId: simulator.id, model: "clip", updatedAt: new Date() };
  await db.transaction(async (tx) => {
    await tx
      .insert(altTextSettings)
      .values({ id: 1, ...values })
      .onConflictDoUpdate({ target: altTextSettings.id, set: values });
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "alt_text.settings_changed",
        subject: { type: "alt_text_settings", id: "1" },
        data: { ...values, updatedAt: undefined, seeded: true },
      },
    });
  });
  return true;
}
