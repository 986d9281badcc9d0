import type { EditEngine } from "../types";
import { lanczosEngine } from "./lanczos";

/** Every engine that runs on this machine's CPU; lib/editing's registry adds the GPU endpoints' engines. */
export const LOCAL_ENGINES: readonly EditEngine[] = [lanczosEngine];
