"use server";

import { revalidatePath } from "next/cache";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import { moveQueuedWork, type MoveResult } from "@/lib/providers/admin-fallback";
import type { AdminProvider } from "@/lib/providers/admin-list";
import { setProviderPaused } from "@/lib/providers/admin-pause";
import { testProvider, type ProviderTestResult } from "@/lib/providers/admin-test";
import { createProvider, updateProvider } from "@/lib/providers/admin-write";
import { sendGenerationResumed, sendMovedGenerations } from "@/inngest/send";

const PATH = "/admin/providers";

function done<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok) revalidatePath(PATH);
  return result;
}

/** The form asks for seconds (what people think in); lib takes milliseconds. */
function timeoutMs(formData: FormData): unknown {
  const raw = formData.get("timeoutSeconds");
  if (typeof raw !== "string" || raw.trim() === "") return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : raw;
}

function text(formData: FormData, key: string): string | undefined {
  const v = formData.get(key);
  return typeof v === "string" ? v : undefined;
}

export async function createProviderAction(_prev: unknown, formData: FormData): Promise<ActionResult<AdminProvider>> {
  const input = {
    ...Object.fromEntries(
      ["slug", "name", "kind", "baseUrl", "apiKey", "concurrencyLimit"].map((k) => [k, text(formData, k)]),
    ),
    allowPrivate: formData.get("allowPrivate") === "on",
    timeoutMs: timeoutMs(formData),
  };
  return done(await guardedAction("providers.manage", (ctx) => createProvider({ ctx, input }), "GPU endpoint added."));
}

export async function updateProviderAction(_prev: unknown, formData: FormData): Promise<ActionResult<AdminProvider>> {
  const input = {
    ...Object.fromEntries(
      ["providerId", "name", "baseUrl", "apiKey", "concurrencyLimit"].map((k) => [k, text(formData, k)]),
    ),
    clearApiKey: formData.get("clearApiKey") === "on",
    allowPrivate: formData.get("allowPrivate") === "on",
    timeoutMs: timeoutMs(formData),
  };
  return done(await guardedAction("providers.manage", (ctx) => updateProvider({ ctx, input }), "Endpoint saved."));
}

export async function setPausedAction(
  providerId: string,
  paused: boolean,
  reason?: string,
): Promise<ActionResult<AdminProvider>> {
  const message = paused
    ? "Endpoint paused. Its queued work waits; nothing is dropped."
    : "Endpoint resumed. Waiting work starts again now.";
  return done(
    await guardedAction(
      "providers.manage",
      (ctx) => setProviderPaused({ ctx, input: { providerId, paused, reason }, resumed: sendGenerationResumed }),
      message,
    ),
  );
}

export async function testProviderAction(providerId: string): Promise<ActionResult<ProviderTestResult>> {
  return guardedAction("providers.manage", (ctx) => testProvider({ ctx, input: { providerId } }));
}

export async function moveQueuedWorkAction(providerId: string, presetId: string): Promise<ActionResult<MoveResult>> {
  return done(
    await guardedAction("providers.manage", (ctx) =>
      moveQueuedWork({ ctx, input: { providerId, presetId }, send: sendMovedGenerations }),
    ),
  );
}
