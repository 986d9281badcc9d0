/**
 * Turns an engine's raw caption into alt text: what captioning models add that a person reading
 * with a screen reader does not need ("arafed", "a picture of", CLIP's artist and medium tags) is
 * removed, the text is put in sentence case with a full stop, and it is cut to 250 characters.
 */
export const ALT_TEXT_MAX = 250;

/** BLIP's well-known artefact ("arafed", "araffe", "arafly"…), a token it learnt from broken captions. */
const ARAFED = /\b(?:ar+af+[a-z]*|arrafed)\b\s*/gi;

/** Openings that say it is an image (the reader knows) rather than what is in it. */
const OPENINGS = [
  /^(?:caption|alt text|description)\s*:\s*/i,
  /^(?:there (?:is|are)|this is|here is|it is|it's)\s+/i,
  /^(?:(?:an?|the|this)\s+)?(?:(?:close[- ]up|stock|digital|color|colour|black and white)\s+)?(?:image|picture|photo|photograph|pic|screenshot)\s+(?:of|showing|that shows|depicting|with)\s+/i,
  /^(?:(?:an?|the|this)\s+)?(?:image|picture|photo|photograph)(?:\s+of)?\s*(?::|-|—)\s*/i,
];

/** CLIP interrogation appends tags after the BLIP caption; these describe style, not content. */
const FLAVOUR =
  /^(?:by |in the style of|inspired by|trending on|featured on|artstation|deviantart|behance|pixiv|unsplash|pexels|shutterstock|flickr|cg ?society|pinterest|reddit|instagram|octane render|unreal engine|(?:\d+|ultra|highly|high|hyper|very)[- ]?(?:k|hd|detailed|realistic|quality|resolution)\b|hd\b|uhd|8k|4k|award[- ]winning|masterpiece|photorealistic|hyperrealism|digital art|concept art|matte painting|stock photo|studio lighting|soft lighting|cinematic|sharp focus|bokeh|detailed|wallpaper|poster|kiln-simulator)/i;

function stripOpenings(text: string): string {
  let out = text;
  for (let changed = true; changed;) {
    changed = false;
    for (const re of OPENINGS) {
      const next = out.replace(re, "");
      if (next !== out) {
        out = next.trimStart();
        changed = true;
      }
    }
  }
  return out;
}

/** Keeps the caption and any clause that describes content; drops tag-like clauses CLIP appended. */
function dropFlavourTags(text: string): string {
  const [head = "", ...rest] = text.split(/\s*,\s*/);
  const kept = rest.filter((clause) => clause && !FLAVOUR.test(clause) && clause.split(/\s+/).length > 1);
  return [head, ...kept].join(", ");
}

function cap(text: string): string {
  if (text.length <= ALT_TEXT_MAX) return text;
  const window = text.slice(0, ALT_TEXT_MAX);
  // End on a whole sentence when one ends late enough to say most of it; else on a whole word.
  const sentenceEnd = Math.max(window.lastIndexOf(". "), window.lastIndexOf("! "), window.lastIndexOf("? "));
  if (sentenceEnd >= ALT_TEXT_MAX * 0.6) return window.slice(0, sentenceEnd + 1);
  const space = window.slice(0, ALT_TEXT_MAX - 1).lastIndexOf(" ");
  return `${window.slice(0, space > 0 ? space : ALT_TEXT_MAX - 1).replace(/[\s,;:.-]+$/, "")}…`;
}

export function cleanCaption(raw: string): string {
  let text = raw
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/_/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^["'“”‘’`]+|["'“”‘’`]+$/g, "")
    .trim();
  text = stripOpenings(text);
  text = dropFlavourTags(text);
  // "an arafed car" → "a car": the article follows the word that is left.
  text = text.replace(/\b(an?)\s+(?:ar+af+[a-z]*|arrafed)\s+(\w)/gi, (_m, art: string, ch: string) => {
    const fitting = /[aeiou]/i.test(ch) ? "an" : "a";
    return `${art[0] === "A" ? fitting[0]!.toUpperCase() + fitting.slice(1) : fitting} ${ch}`;
  });
  text = text.replace(ARAFED, "").replace(/\s+/g, " ").trim();
  text = stripOpenings(text).replace(/[\s,;:]+$/, "");
  if (!text) return "";
  text = text[0]!.toUpperCase() + text.slice(1);
  if (/[\p{L}\p{N})]$/u.test(text)) text += ".";
  return cap(text);
}
