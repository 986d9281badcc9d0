export { getRightsCard, setAssetRights, type AssetRights } from "./set-rights";
export { sweepRightsExpiry, type SweepResult } from "./sweep";
export { rightsInput, type RightsInput } from "./schema";
export { RIGHTS_CHANNELS, RIGHTS_WARNING_DAYS, rightsLabel, rightsState, type RightsState } from "./status";
