import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/http/action";

/** What the preset and template server actions hand back: which item, which version is active now. */
export type SavedVersion = { slug: string; version: number };

/** The form's string fields (a catalog form has no file inputs). */
export const formFields = (formData: FormData) =>
  Object.fromEntries([...formData.entries()].filter(([, v]) => typeof v === "string"));

export const savedVersion = (item: { slug: string }, version: { version: number }): SavedVersion => ({
  slug: item.slug,
  version: version.version,
});

/** On success: refresh the admin page and /generate (which lists the active versions), and say what happened. */
export function afterSave(
  page: "/admin/presets" | "/admin/templates",
  result: ActionResult<SavedVersion>,
  message: (s: SavedVersion) => string,
): ActionResult<SavedVersion> {
  if (!result.ok) return result;
  revalidatePath(page);
  revalidatePath("/generate");
  return { ...result, message: message(result.data) };
}
