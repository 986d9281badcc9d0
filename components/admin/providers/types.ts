import type { Tier } from "@/db/schema";
import type { ProviderKind } from "@/lib/providers/types";

/** What the browser knows of a provider kind (from PROVIDER_CAPABILITIES, passed by the page). */
export type KindHint = {
  kind: ProviderKind;
  label: string;
  capabilities: string[];
  needsApiKey: boolean;
  defaultBaseUrl: string | null;
  modelHint: string;
  notes: string | null;
};

/** An endpoint row as serialised for the client (dates as ISO strings, never the secret). */
export type ProviderRow = {
  id: string;
  slug: string;
  name: string;
  kind: ProviderKind;
  baseUrl: string;
  allowPrivate: boolean;
  concurrencyLimit: number;
  timeoutMs: number;
  paused: boolean;
  pausedReason: string | null;
  pausedSince: string | null;
  isSimulator: boolean;
  hasSecret: boolean;
  secretLast4: string | null;
  queuedCount: number;
};

export type PresetOption = { id: string; name: string; tier: Tier; version: number; providerId: string; providerName: string; providerPaused: boolean };

export const CAPABILITY_LABELS: Record<string, string> = {
  generate: "generate",
  inpaint: "inpaint",
  upscale: "upscale",
  removeBackground: "remove background",
};
