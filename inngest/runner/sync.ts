import { canonicalJson, signBody, verifySignature } from "./signing";
import type { Engine } from "./engine";
import type { FunctionConfig } from "./types";

export type SyncResult =
  | { ok: true; kind: "in_band" | "out_of_band"; functions: number }
  | { ok: false; error: string; /** false while the app is not up yet */ answered: boolean };

/** Stores the functions an app reported (in-band PUT answer or out-of-band /fn/register call). */
export async function storeRegistration(engine: Engine, body: unknown): Promise<number> {
  const b = (body ?? {}) as { app_id?: unknown; appName?: unknown; url?: unknown; sdk?: unknown; functions?: unknown };
  const appId = typeof b.app_id === "string" ? b.app_id : typeof b.appName === "string" ? b.appName : null;
  if (!appId) throw new Error("registration has no app id (app_id / appName)");
  if (typeof b.url !== "string") throw new Error("registration has no url");
  if (!Array.isArray(b.functions)) throw new Error("registration has no functions array");
  for (const f of b.functions) {
    if (
      !f ||
      typeof f !== "object" ||
      typeof f.id !== "string" ||
      !Array.isArray(f.triggers) ||
      typeof f.steps !== "object"
    ) {
      throw new Error("registration holds a function without id, triggers or steps");
    }
  }
  const functions = b.functions as FunctionConfig[];
  await engine.db.transaction((q) =>
    engine.registry.replaceApp(
      q,
      { id: appId, url: b.url as string, sdk: typeof b.sdk === "string" ? b.sdk : undefined },
      functions,
    ),
  );
  engine.wake();
  engine.wakeEvents();
  return functions.length;
}

/**
 * Syncs the app by PUTting its serve() URL with an in-band sync request (signed when a signing
 * key is set). An SDK that declines in-band sync registers out-of-band by calling our
 * /fn/register instead, which storeRegistration handles as well.
 */
export async function syncApp(engine: Engine, appUrl: string): Promise<SyncResult> {
  const text = canonicalJson({ url: appUrl });
  const headers: Record<string, string> = { "content-type": "application/json", "x-inngest-sync-kind": "in_band" };
  if (engine.signingKey) headers["x-inngest-signature"] = signBody(text, engine.signingKey);
  let res: Response;
  let body: string;
  try {
    res = await fetch(appUrl, { method: "PUT", headers, body: text, signal: AbortSignal.timeout(30_000) });
    body = await res.text();
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    return { ok: false, error: `could not reach ${appUrl} (${code})`, answered: false };
  }
  if (!res.ok) {
    const hint =
      res.status === 401 ? " (the app rejected the runner's signature: do both use the same signing key?)" : "";
    // 404 and 5xx are usual while the app is still compiling or starting; 401/400 are not.
    const answered = res.status !== 404 && res.status < 500;
    return { ok: false, error: `sync PUT ${appUrl} answered ${res.status}${hint}: ${body.slice(0, 300)}`, answered };
  }
  try {
    if (res.headers.get("x-inngest-sync-kind") === "in_band") {
      if (engine.signingKey) verifySignature(body, res.headers.get("x-inngest-signature"), engine.signingKey);
      const n = await storeRegistration(engine, JSON.parse(body));
      return { ok: true, kind: "in_band", functions: n };
    }
    return { ok: true, kind: "out_of_band", functions: engine.registry.all().length };
  } catch (err) {
    return { ok: false, error: `sync of ${appUrl} failed: ${(err as Error).message}`, answered: true };
  }
}

/**
 * Keeps the app synced: retries quickly until the app first answers (it may start after the
 * runner), then re-syncs periodically so new or changed functions are picked up.
 */
export function keepSynced(
  engine: Engine,
  appUrl: string,
  opts: { intervalMs: number; retryMs: number },
): { stop(): void; now(): Promise<SyncResult> } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failures = 0;
  let synced = false;
  let lastError = "";
  let running: Promise<SyncResult> | null = null;
  const once = () => {
    running ??= syncApp(engine, appUrl).finally(() => (running = null));
    return running;
  };
  const loop = async () => {
    const result = await once();
    if (stopped) return;
    if (result.ok) {
      if (!synced) engine.logger.info(`[inngest-runner] synced ${result.functions} functions from ${appUrl}`);
      failures = 0;
      synced = true;
    } else {
      failures++;
      // The app usually comes up a moment after the runner, so only complain when it stays
      // down; an app that answers with an error is a configuration problem: say so at once.
      if (result.answered ? result.error !== lastError : failures === 20)
        engine.logger.error(`[inngest-runner] ${result.error}; retrying`);
      lastError = result.error;
    }
    const wait = result.ok ? opts.intervalMs : Math.min(opts.retryMs * 2 ** Math.min(failures, 4), 5_000);
    timer = setTimeout(() => void loop(), wait);
  };
  void loop();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    now: once,
  };
}
