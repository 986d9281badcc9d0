import { randomUUID } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { costLedger, presets, presetVersions, type PresetVersion, type Provider } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { costOfCall } from "@/lib/costs/estimate";
import { AppError, parseInput } from "@/lib/errors";
import { OutboundRefusedError } from "@/lib/net/outbound-fetch";
import { assertCanManageProviders, type ProviderAdminDeps } from "./admin-common";
import { providerIdInput } from "./admin-schemas";
import { createAdapter, PROVIDER_CAPABILITIES } from "./registry";
import { getProvider, providerConfig } from "./store";
import { ProviderError } from "./types";
import { assertSafeProviderUrl } from "./url-safety";

export type ProviderTestResult = {
  ok: boolean;
  /** How the endpoint was exercised: its model list (free), or one tiny generation (billed). */
  method: "list_models" | "generate" | "none";
  latencyMs: number;
  message: string;
  models?: string[];
  errorKind?: string;
};

/** Short on purpose: an admin is waiting on the page. A generation needs longer than a model list. */
const LIST_TIMEOUT_MS = 10_000;
const GENERATE_TIMEOUT_MS = 60_000;

const HINTS: Partial<Record<string, string>> = {
  unavailable: "Kiln could not reach the endpoint. Is the server running, and is the URL and port right?",
  timeout: "The endpoint did not answer in time.",
  auth: "The endpoint refused Kiln's credentials. Check the API key.",
  invalid_request: "The endpoint answered, but refused the request.",
};

function describeFailure(error: unknown): { message: string; errorKind: string } {
  if (error instanceof AppError) return { message: error.message, errorKind: error.code };
  if (error instanceof ProviderError) {
    const detail = error.message.slice(0, 300);
    // Refused by the outbound policy (address or redirect): the sentence already says what to do.
    if (error.cause instanceof OutboundRefusedError) return { message: detail, errorKind: error.kind };
    return { message: HINTS[error.kind] ? `${HINTS[error.kind]} (${detail})` : detail, errorKind: error.kind };
  }
  return {
    message: `The test failed: ${(error as Error)?.message ?? String(error)}`.slice(0, 300),
    errorKind: "unknown",
  };
}

/** The version a tiny test generation uses: an active preset's first, else the newest on this endpoint. */
async function versionForTest(ctx: Ctx, providerId: string): Promise<PresetVersion | undefined> {
  const [active] = await ctx.db
    .select({ v: presetVersions })
    .from(presets)
    .innerJoin(presetVersions, eq(presetVersions.id, presets.activeVersionId))
    .where(eq(presetVersions.providerId, providerId))
    .limit(1);
  if (active) return active.v;
  const [latest] = await ctx.db
    .select()
    .from(presetVersions)
    .where(eq(presetVersions.providerId, providerId))
    .orderBy(desc(presetVersions.createdAt))
    .limit(1);
  return latest;
}

/** One small, billed generation; it writes its ledger row like every other provider call. */
async function tinyGenerate(
  ctx: Ctx,
  provider: Provider,
  version: PresetVersion,
  deps: ProviderAdminDeps,
): Promise<void> {
  const size = { width: 512, height: 512 };
  const ledger = {
    callKey: `provider-test:${provider.id}:${randomUUID()}`,
    providerId: provider.id,
    presetVersionId: version.id,
    userId: ctx.actor.id,
    operation: "generate",
  };
  const adapter = adapterFor(provider, deps);
  const started = Date.now();
  try {
    const result = await adapter.generate(
      {
        prompt: "Kiln connection test: a plain grey ceramic cube on a white table",
        negativePrompt: "",
        ...size,
        steps: Math.min(version.params.steps, 4),
        cfgScale: version.params.cfgScale,
        sampler: version.params.sampler,
        seed: 1,
        model: version.model,
        loras: [],
      },
      { timeoutMs: Math.min(provider.timeoutMs, GENERATE_TIMEOUT_MS) },
    );
    const micros = costOfCall(version.priceModel, { ...size, gpuSeconds: result.gpuSeconds });
    await ctx.db.insert(costLedger).values({ ...ledger, outcome: "succeeded", billable: true, micros });
  } catch (error) {
    const billable = error instanceof ProviderError && error.billable;
    const micros = billable
      ? costOfCall(version.priceModel, { ...size, gpuSeconds: (Date.now() - started) / 1000 })
      : 0;
    const errorKind = error instanceof ProviderError ? error.kind : "transient";
    await ctx.db.insert(costLedger).values({ ...ledger, outcome: "failed", billable, micros, errorKind });
    throw error;
  }
}

/** The adapter holds every request to the endpoint's policy at connect time (tests inject DNS answers). */
function adapterFor(provider: Provider, deps: ProviderAdminDeps) {
  try {
    return createAdapter(providerConfig(provider), deps.lookup ? { lookup: deps.lookup } : {});
  } catch {
    throw new AppError(
      "conflict",
      "The stored API key cannot be decrypted (KILN_SECRETS_KEY changed?). Enter the key again.",
    );
  }
}

async function probe(
  ctx: Ctx,
  provider: Provider,
  deps: ProviderAdminDeps,
): Promise<Omit<ProviderTestResult, "latencyMs">> {
  const adapter = adapterFor(provider, deps);
  if (adapter.listModels) {
    const models = await adapter.listModels({ timeoutMs: Math.min(provider.timeoutMs, LIST_TIMEOUT_MS) });
    const shown = models.slice(0, 5);
    const more = models.length > shown.length ? ", …" : "";
    const list = models.length ? `: ${shown.join(", ")}${more}` : " (it lists no models yet)";
    return {
      ok: true,
      method: "list_models",
      message: `Connected. The endpoint offers ${models.length} model${models.length === 1 ? "" : "s"}${list}.`,
      models: shown,
    };
  }
  const label = PROVIDER_CAPABILITIES[provider.kind].label;
  const version = await versionForTest(ctx, provider.id);
  if (!version) {
    return {
      ok: false,
      method: "none",
      errorKind: "no_model",
      message: `${label} has no model list to test against, and no preset uses this endpoint yet. Add a preset for it, then test again.`,
    };
  }
  await tinyGenerate(ctx, provider, version, deps);
  return {
    ok: true,
    method: "generate",
    message: `Connected. A tiny test image (512×512, model ${version.model}) came back; it is billed like any call.`,
  };
}

/**
 * "Test connection": the endpoint's model list, or one tiny generation where the API has no list.
 * Paused endpoints can be tested (that is how an admin knows it is safe to resume). The URL is
 * checked again first, because DNS may point somewhere else since it was saved, and the calls
 * themselves are checked at connect time and never follow a redirect (lib/net/outbound-fetch.ts).
 */
export async function testProvider({
  ctx,
  input,
  deps = {},
}: {
  ctx: Ctx;
  input: unknown;
  deps?: ProviderAdminDeps;
}): Promise<ProviderTestResult> {
  assertCanManageProviders(ctx);
  const { providerId } = parseInput(providerIdInput, input);
  const provider = await getProvider(ctx.db, providerId);
  const started = performance.now();
  let outcome: Omit<ProviderTestResult, "latencyMs">;
  try {
    await assertSafeProviderUrl(provider.baseUrl, {
      allowPrivate: provider.allowPrivate,
      ...(deps.lookup ? { lookup: deps.lookup } : {}),
    });
    outcome = await probe(ctx, provider, deps);
  } catch (error) {
    // Built without the secret: only to name the method that failed.
    const method = createAdapter({ kind: provider.kind, baseUrl: provider.baseUrl }).listModels
      ? "list_models"
      : "generate";
    outcome = { ok: false, method, ...describeFailure(error) };
  }
  const result: ProviderTestResult = { ...outcome, latencyMs: Math.round(performance.now() - started) };
  await recordAudit({
    db: ctx.db,
    input: {
      actor: ctx.actor,
      action: "provider.tested",
      subject: { type: "provider", id: provider.id },
      data: {
        slug: provider.slug,
        ok: result.ok,
        method: result.method,
        latencyMs: result.latencyMs,
        ...(result.errorKind ? { errorKind: result.errorKind } : {}),
      },
      ip: ctx.ip,
    },
  });
  return result;
}
