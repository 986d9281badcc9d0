/** Keys a focused select, checkbox, radio, slider or button acts on itself: they never trigger a page's shortcut. */
const CONTROL_KEYS = new Set([
  " ",
  "Enter",
  "ArrowUp",
  "ArrowDown",
  "ArrowLeft",
  "ArrowRight",
  "Home",
  "End",
  "PageUp",
  "PageDown",
]);

/** Inputs that take no typed text; every other input type (text, search, number, date…) does. */
const INPUTS_WITHOUT_TEXT = new Set([
  "checkbox",
  "radio",
  "range",
  "color",
  "file",
  "button",
  "submit",
  "reset",
  "image",
]);

type Target = { tagName?: string; type?: string; isContentEditable?: boolean } | null;

/**
 * Whether a key pressed with `target` focused is the control's own (typing, moving through a select's
 * options, toggling a checkbox) rather than a page shortcut.
 *
 * Text fields keep every key. A select, checkbox or button keeps only the keys it acts on, so a
 * reviewer who picked a filter with the mouse can press A to approve straight away: the letter reaches
 * the page (whose handler calls preventDefault, so the select does not jump to an option starting with
 * "a") instead of being swallowed while focus still sits on the select.
 */
export function keyBelongsToControl(key: string, target: EventTarget | Target): boolean {
  const el = target as Target;
  if (!el || typeof el.tagName !== "string") return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toUpperCase();
  if (tag === "TEXTAREA") return true;
  if (tag === "INPUT") return !INPUTS_WITHOUT_TEXT.has((el.type ?? "text").toLowerCase()) || CONTROL_KEYS.has(key);
  if (tag === "SELECT") return CONTROL_KEYS.has(key);
  if (tag === "BUTTON" || tag === "A" || tag === "SUMMARY") return key === "Enter" || key === " ";
  return false;
}
