import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { OutboundPolicy } from "@/lib/net/outbound-fetch";
import { assertSafeProviderUrl } from "@/lib/providers/url-safety";

/**
 * Webhook URLs go through the GPU endpoints' SSRF rule (lib/net/address-rules.ts): checked when an
 * endpoint is saved (assertSafeProviderUrl, the same check GPU endpoints get on save) and again at
 * every delivery, on the address the socket connects to (outboundFetch). Private and loopback
 * addresses are refused unless KILN_WEBHOOK_ALLOW_PRIVATE is on; metadata and link-local never pass.
 */
export function webhookOutboundPolicy(): OutboundPolicy {
  return { allowPrivate: env().KILN_WEBHOOK_ALLOW_PRIVATE };
}

export const MAX_URL_LENGTH = 2000;

/** The URL normalised, or AppError("invalid_input") on the `url` field saying what to change. */
export async function assertWebhookUrl(
  raw: string,
  options: { lookup?: OutboundPolicy["lookup"] } = {},
): Promise<string> {
  if (raw.trim().length > MAX_URL_LENGTH)
    throw new AppError("invalid_input", "URLs are at most 2,000 characters.", {
      fields: { url: ["URLs are at most 2,000 characters."] },
    });
  try {
    const url = await assertSafeProviderUrl(raw, {
      allowPrivate: webhookOutboundPolicy().allowPrivate,
      lookup: options.lookup,
    });
    return url.href;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const message = error.message
      .replace(/^The endpoint URL/, "The webhook URL")
      .replace(/the endpoint's API key/, "a header your receiver checks");
    throw new AppError("invalid_input", message, { fields: { url: [message] } });
  }
}
