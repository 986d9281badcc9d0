export {
  archivePlacement,
  createPlacement,
  getPlacementsByIds,
  listActivePlacements,
  listPlacements,
  restorePlacement,
  updatePlacement,
} from "./placements";
export { focalPointInput, setFocalPoint, type FocalPointResult } from "./focal-point";
export { aspectLabel, CHANNEL_LABELS, FORMAT_CHOICES, PLACEMENT_CHANNELS, type PlacementChannel } from "./shared";
export type { PlacementFields } from "./validation";
