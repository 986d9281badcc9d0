import { eq } from "drizzle-orm";
import { z } from "zod";
import { editEngineSettings, providers } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { priceModelSchema } from "@/lib/costs/estimate";
import { AppError, parseInput } from "@/lib/errors";
import { hasRembgExtension } from "@/lib/providers/a1111";
import { dollarsToMicros } from "@/lib/presets/money";
import { providerConfig } from "@/lib/providers/store";
import { ProviderError } from "@/lib/providers/types";
import { effectiveSettings, listEngineChoices, type EffectiveSetting, type EngineChoice } from "./registry";
import type { EditOperationKind } from "./engines/types";

function assertCanManage(ctx: Ctx): void {
  if (!can(ctx.actor.role, "editing.manage"))
    throw new AppError("forbidden", "Only admins choose the editor's engines.");
}

export type EditorEngineSettingsView = {
  operations: { operation: EditOperationKind; current: EffectiveSetting | null; choices: EngineChoice[] }[];
};

/** The admin page: per operation the engine in force (saved or default) and the engines that fit. */
export async function getEditorEngineSettings({ ctx }: { ctx: Ctx }): Promise<EditorEngineSettingsView> {
  assertCanManage(ctx);
  const [current, choices] = await Promise.all([effectiveSettings(ctx.db), listEngineChoices(ctx.db)]);
  return {
    operations: (Object.keys(current) as EditOperationKind[]).map((operation) => ({
      operation,
      current: current[operation],
      choices: choices.filter((c) => c.operations.includes(operation)),
    })),
  };
}

export const engineSettingInput = z.object({
  operation: z.enum(["erase", "upscale", "remove_background"], { error: "Choose an operation." }),
  engine: z.string({ error: "Choose an engine." }).min(1, "Choose an engine.").max(100),
  providerId: z.string().uuid("Unknown GPU endpoint.").nullable().default(null),
  /** null: the engine bills nothing (local CPU engines, or an endpoint you run for free). */
  priceModel: priceModelSchema.nullable().default(null),
});
export type EngineSettingInput = z.input<typeof engineSettingInput>;

/**
 * Saves the engine of one operation. Only an engine that can do the operation is accepted; an
 * AUTOMATIC1111 endpoint chosen for background removal must serve the rembg extension (read from
 * its API schema now, so the admin learns it here rather than from a designer's failed edit).
 */
export async function setEditorEngine({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: EngineSettingInput;
}): Promise<EffectiveSetting> {
  assertCanManage(ctx);
  const data = parseInput(engineSettingInput, input);
  const choices = await listEngineChoices(ctx.db);
  const choice = choices.find((c) => c.engine === data.engine && c.providerId === data.providerId);
  if (!choice)
    throw new AppError("invalid_input", "That engine does not exist on this server.", {
      fields: { engine: ["Choose one of the listed engines."] },
    });
  if (!choice.operations.includes(data.operation)) {
    throw new AppError("invalid_input", `${choice.label} cannot ${data.operation.replace("_", " ")}.`, {
      fields: { engine: ["Choose an engine that can do this."] },
    });
  }
  if (choice.local && data.priceModel) {
    throw new AppError("invalid_input", "Local engines run on this server and bill nothing: leave the price empty.", {
      fields: { priceModel: ["No price for local engines."] },
    });
  }
  if (data.operation === "remove_background" && data.engine === "a1111" && data.providerId) {
    const [provider] = await ctx.db.select().from(providers).where(eq(providers.id, data.providerId)).limit(1);
    let ok = false;
    try {
      ok = await hasRembgExtension(providerConfig(provider!));
    } catch (error) {
      const why = error instanceof ProviderError ? error.message : String(error);
      throw new AppError(
        "unavailable",
        `Kiln could not ask ${choice.label} which extensions it has (${why.slice(0, 200)}). Is it running?`,
      );
    }
    if (!ok)
      throw new AppError(
        "invalid_input",
        `${choice.label} has no background removal: install the stable-diffusion-webui-rembg extension there first.`,
      );
  }
  await ctx.db.transaction(async (tx) => {
    const values = {
      engine: data.engine,
      providerId: data.providerId,
      priceModel: data.priceModel,
      updatedBy: ctx.actor.id,
      updatedAt: new Date(),
    };
    await tx
      .insert(editEngineSettings)
      .values({ operation: data.operation, ...values })
      .onConflictDoUpdate({ target: editEngineSettings.operation, set: values });
    await recordAudit({
      db: tx,
      input: {
        actor: { id: ctx.actor.id, email: ctx.actor.email },
        action: "editing.engine_set",
        subject: { type: "edit_operation", id: data.operation },
        data: { engine: data.engine, providerId: data.providerId, priceModel: data.priceModel },
        ip: ctx.ip,
      },
    });
  });
  return (await effectiveSettings(ctx.db))[data.operation]!;
}

/**
 * The admin form's flat fields → the setting: the engine choice "engine|providerId", and the price
 * as kind + dollars (parsed exactly, like presets' prices) or "none".
 */
export function engineSettingFromForm(fields: Record<string, string | undefined>): EngineSettingInput {
  const [engine = "", providerId = ""] = (fields.engine ?? "").split("|");
  const kind = fields["priceModel.kind"] ?? "none";
  let priceModel: EngineSettingInput["priceModel"] = null;
  if (kind !== "none") {
    const micros = dollarsToMicros(fields["priceModel.amount"] ?? "", "priceModel.amount");
    if (kind === "per_image") priceModel = { kind, microsPerImage: micros };
    else if (kind === "per_megapixel") priceModel = { kind, microsPerMegapixel: micros };
    else if (kind === "per_gpu_second")
      priceModel = {
        kind,
        microsPerGpuSecond: micros,
        expectedGpuSeconds: Number(fields["priceModel.expectedGpuSeconds"] ?? ""),
      };
    else
      throw new AppError("invalid_input", "Choose how this engine is billed.", {
        fields: { "priceModel.kind": ["Choose how this engine is billed."] },
      });
  }
  return {
    operation: fields.operation as EngineSettingInput["operation"],
    engine,
    providerId: providerId || null,
    priceModel,
  };
}
