import type { Provider } from "@/db/schema";
import { createAdapter } from "@/lib/providers/registry";
import { providerConfig } from "@/lib/providers/store";
import { assertSafeProviderUrl, type UrlSafetyOptions } from "@/lib/providers/url-safety";

export type ProbeResult = { ok: boolean; skipped?: boolean; message: string };
export type Prober = (provider: Provider) => Promise<ProbeResult>;

const PROBE_TIMEOUT_MS = 10_000;

/**
 * The periodic health probe: the endpoint's free model list (A1111: GET /sdapi/v1/sd-models),
 * through the same SSRF policy as every call (URL re-checked, then checked at connect time by the
 * adapter's outbound fetch). Kinds without a free list are not probed (a probe must not bill);
 * their health comes from the error rate alone.
 */
export async function probeEndpoint(
  provider: Provider,
  options: { lookup?: UrlSafetyOptions["lookup"] } = {},
): Promise<ProbeResult> {
  try {
    await assertSafeProviderUrl(provider.baseUrl, {
      allowPrivate: provider.allowPrivate,
      ...(options.lookup ? { lookup: options.lookup } : {}),
    });
    const adapter = createAdapter(providerConfig(provider), options.lookup ? { lookup: options.lookup } : {});
    if (!adapter.listModels) return { ok: true, skipped: true, message: "no free probe for this kind of endpoint" };
    await adapter.listModels({ timeoutMs: Math.min(provider.timeoutMs, PROBE_TIMEOUT_MS) });
    return { ok: true, message: "probe answered" };
  } catch (error) {
    return { ok: false, message: `probe failed: ${((error as Error)?.message ?? String(error)).slice(0, 200)}` };
  }
}
