export {
  createPreset,
  createPresetVersion,
  rollbackPreset,
  listPresetsWithVersions,
  listProviderOptions,
} from "./versions";
export type { PresetView, PresetVersionView, ProviderOption } from "./versions";
export { createPresetInputFromForm, presetVersionInputFromForm, type FormFields } from "./form-input";
export { describePriceModel } from "./diff";
export { dollarsToMicros, microsToDollars } from "./money";
export { PRESET_LIMITS } from "./schemas";
/** The tiers, in the order the console lists them. */
export { TIERS, type Tier } from "@/db/schema/presets";
