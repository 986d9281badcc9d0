/**
 * Did the prompt ask for visible text? Quoted words or explicit lettering ask for it; a negative
 * prompt that lists "text" rules it out. Drives the OCR check: text where none was asked for is
 * flagged, and asked-for text is held to legibility instead.
 */
export function promptWantsText(prompt: string, negativePrompt: string): boolean {
  if (/\b(text|letters|words|lettering|typography)\b/i.test(negativePrompt)) return false;
  return /["“«][^"”»]{2,}["”»]|\b(lettering|typography|text (?:that )?(?:reads|saying)|the words|headline text|title text)\b/i.test(
    prompt,
  );
}
