export {
  assertUploadsEnabled,
  generationPausedReason,
  readSwitch,
  readSwitches,
  type SwitchState,
} from "./read-switches";
export { assertCanOperate, setSwitch, SWITCH_LABELS } from "./set-switch";
