import { asc, eq } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { editEngineSettings, providers, type Provider } from "@/db/schema";
import { SIMULATOR_SLUG } from "@/lib/catalog/seed-catalog";
import type { PriceModel } from "@/lib/costs/estimate";
import { AppError } from "@/lib/errors";
import { PROVIDER_CAPABILITIES, createAdapter } from "@/lib/providers/registry";
import { providerConfig } from "@/lib/providers/store";
import { LOCAL_ENGINES } from "./engines/local";
import { operationsOf, providerEngine } from "./engines/remote/provider-engine";
import type { EditEngine, EditOperationKind } from "./engines/types";

/**
 * Which engine runs each editor operation: the admin's edit_engine_settings row, or the default —
 * the built-in GPU simulator's A1111 endpoint (inpaint, extra-single-image, rembg) when it exists,
 * else the first local engine that can do the operation. Engines are the local CPU engines plus,
 * for every GPU endpoint whose kind has the capability, a remote engine on that endpoint.
 */
export const EDIT_OPERATION_KINDS: readonly EditOperationKind[] = ["erase", "upscale", "remove_background"];

/** Simulated prices for the simulator's defaults, in the spirit of the seeded presets' prices. */
export const SIMULATOR_EDIT_PRICES: Record<EditOperationKind, PriceModel> = {
  erase: { kind: "per_image", microsPerImage: 3_000 },
  upscale: { kind: "per_megapixel", microsPerMegapixel: 1_000 },
  remove_background: { kind: "per_image", microsPerImage: 2_000 },
};

export type EngineRef = { engine: string; providerId: string | null };

export type EngineChoice = EngineRef & {
  label: string;
  local: boolean;
  operations: EditOperationKind[];
  paused: boolean;
  simulator: boolean;
};

export type EffectiveSetting = EngineRef & {
  operation: EditOperationKind;
  label: string;
  local: boolean;
  priceModel: PriceModel | null;
  isDefault: boolean;
};

export function findLocalEngine(id: string): EditEngine | undefined {
  return LOCAL_ENGINES.find((e) => e.id === id);
}

function providerLabel(p: Pick<Provider, "name" | "kind" | "isSimulator">): string {
  const kind = PROVIDER_CAPABILITIES[p.kind].label;
  return `${p.name} (${kind}${p.isSimulator && !/simulator/i.test(p.name) ? ", simulator" : ""})`;
}

/** Every engine an admin may pick, with the operations each can do. */
export async function listEngineChoices(db: DbExecutor): Promise<EngineChoice[]> {
  const local: EngineChoice[] = LOCAL_ENGINES.map((e) => ({
    engine: e.id,
    providerId: null,
    label: e.label,
    local: true,
    operations: [...e.operations],
    paused: false,
    simulator: false,
  }));
  const endpoints = await db.select().from(providers).orderBy(asc(providers.name));
  const remote: EngineChoice[] = endpoints
    .map((p) => ({
      engine: p.kind,
      providerId: p.id,
      label: providerLabel(p),
      local: false,
      operations: [...operationsOf(PROVIDER_CAPABILITIES[p.kind].capabilities)],
      paused: p.paused,
      simulator: p.isSimulator,
    }))
    .filter((c) => c.operations.length > 0);
  return [...remote, ...local];
}

/** The engine in force for every operation (setting or default); null where nothing can do it. */
export async function effectiveSettings(db: DbExecutor): Promise<Record<EditOperationKind, EffectiveSetting | null>> {
  const [rows, choices, [simulator]] = await Promise.all([
    db.select().from(editEngineSettings),
    listEngineChoices(db),
    db.select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG)).limit(1),
  ]);
  const out = {} as Record<EditOperationKind, EffectiveSetting | null>;
  for (const operation of EDIT_OPERATION_KINDS) {
    const row = rows.find((r) => r.operation === operation);
    const choice = (ref: EngineRef) =>
      choices.find(
        (c) => c.engine === ref.engine && c.providerId === ref.providerId && c.operations.includes(operation),
      );
    const saved = row ? choice({ engine: row.engine, providerId: row.providerId }) : undefined;
    if (saved) {
      out[operation] = { ...pick(saved), operation, priceModel: row!.priceModel ?? null, isDefault: false };
      continue;
    }
    const sim = simulator ? choice({ engine: simulator.kind, providerId: simulator.id }) : undefined;
    if (sim) {
      out[operation] = { ...pick(sim), operation, priceModel: SIMULATOR_EDIT_PRICES[operation], isDefault: true };
      continue;
    }
    const local = choices.find((c) => c.local && c.operations.includes(operation));
    out[operation] = local ? { ...pick(local), operation, priceModel: null, isDefault: true } : null;
  }
  return out;
}

function pick(c: EngineChoice) {
  return { engine: c.engine, providerId: c.providerId, label: c.label, local: c.local };
}

/** The engine object for an edit's stored choice; the endpoint's secret is opened just for this call. */
export async function buildEngine(
  db: DbExecutor,
  ref: EngineRef,
): Promise<{ engine: EditEngine; provider: Provider | null }> {
  if (!ref.providerId) {
    const engine = findLocalEngine(ref.engine);
    if (!engine) throw new AppError("not_found", `The editor engine “${ref.engine}” is not available on this server.`);
    return { engine, provider: null };
  }
  const [provider] = await db.select().from(providers).where(eq(providers.id, ref.providerId)).limit(1);
  if (!provider) throw new AppError("not_found", "The GPU endpoint chosen for this operation no longer exists.");
  if (provider.kind !== ref.engine)
    throw new AppError("conflict", `The GPU endpoint ${provider.name} is no longer a ${ref.engine} endpoint.`);
  const adapter = createAdapter(providerConfig(provider));
  return {
    engine: providerEngine({
      kind: provider.kind,
      label: providerLabel(provider),
      adapter,
      timeoutMs: provider.timeoutMs,
    }),
    provider,
  };
}
