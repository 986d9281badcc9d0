import { createRenditions } from "./uploads/create-renditions";

/** Every function the app serves. Ids are stable: renaming one orphans its runs. */
export const functions = [createRenditions];
