import type { AdminProvider, FallbackPreset } from "@/lib/providers/admin-list";
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
export type ProviderRow = Omit<AdminProvider, "pausedSince" | "updatedAt"> & { pausedSince: string | null };

export type PresetOption = FallbackPreset;

export const CAPABILITY_LABELS: Record<string, string> = {
  generate: "generate",
  inpaint: "inpaint",
  upscale: "upscale",
  removeBackground: "remove background",
};
