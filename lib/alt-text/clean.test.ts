import { describe, expect, it } from "vitest";
import { ALT_TEXT_MAX, cleanCaption } from "./clean";

describe("cleanCaption", () => {
  it("removes BLIP's artefacts and image-of openings, and writes a sentence", () => {
    expect(cleanCaption("arafed man riding a bike down a street")).toBe("Man riding a bike down a street.");
    expect(cleanCaption("a picture of a dog sitting on a couch")).toBe("A dog sitting on a couch.");
    expect(cleanCaption("there is a woman standing next to an arafed car")).toBe("A woman standing next to a car.");
    expect(cleanCaption("Caption: a close up of a ceramic mug")).toBe("A close up of a ceramic mug.");
    expect(cleanCaption('  "An image of: two cups of coffee." ')).toBe("Two cups of coffee.");
    expect(cleanCaption("araffe sitting at a table with a laptop")).toBe("Sitting at a table with a laptop.");
  });

  it("drops CLIP's style tags but keeps clauses that describe content", () => {
    expect(
      cleanCaption("a red ball on green grass, trending on artstation, by greg rutkowski, 4k, highly detailed"),
    ).toBe("A red ball on green grass.");
    expect(cleanCaption("a mug on a table, steam rising from the cup, unsplash, octane render")).toBe(
      "A mug on a table, steam rising from the cup.",
    );
    expect(cleanCaption("no_humans, outdoors, blue_sky")).toBe("No humans, blue sky.");
  });

  it("caps the text at 250 characters on a word or sentence boundary", () => {
    const long = `${"a very long description of a mountain lake at dawn ".repeat(8)}end`;
    const out = cleanCaption(long);
    expect(out.length).toBeLessThanOrEqual(ALT_TEXT_MAX);
    expect(out.endsWith("…")).toBe(true);
    expect(out).not.toMatch(/\s…$/);
    const sentences = `${"A bright kitchen with white cabinets and a wooden island. ".repeat(3)}${"More words follow here ".repeat(10)}`;
    const cut = cleanCaption(sentences);
    expect(cut.length).toBeLessThanOrEqual(ALT_TEXT_MAX);
    expect(cut.endsWith("island.")).toBe(true);
  });

  it("gives nothing for a caption that is only noise", () => {
    expect(cleanCaption("  arafed  ")).toBe("");
    expect(cleanCaption("")).toBe("");
  });
});
