import type { EditEngine } from "../types";
import { esrganEngine } from "./esrgan";
import { imglyEngine } from "./imgly";
import { lanczosEngine } from "./lanczos";
import { teleaEngine } from "./telea";

export { closeEnginePools } from "./pool";

/** Every engine that runs on this machine's CPU; lib/editing's registry adds the GPU endpoints' engines. */
export const LOCAL_ENGINES: readonly EditEngine[] = [lanczosEngine, esrganEngine, teleaEngine, imglyEngine];
