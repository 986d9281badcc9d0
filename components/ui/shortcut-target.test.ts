import { describe, expect, it } from "vitest";
import { keyBelongsToControl } from "./shortcut-target";

describe("keyBelongsToControl", () => {
  it("gives every key to text fields", () => {
    for (const key of ["a", "8", "?", " ", "Enter", "ArrowLeft", "Escape"]) {
      expect(keyBelongsToControl(key, { tagName: "TEXTAREA" })).toBe(true);
      expect(keyBelongsToControl(key, { tagName: "INPUT", type: "text" })).toBe(true);
      expect(keyBelongsToControl(key, { tagName: "INPUT", type: "number" })).toBe(true);
      expect(keyBelongsToControl(key, { tagName: "INPUT" })).toBe(true); // no type attribute: a text field
      expect(keyBelongsToControl(key, { tagName: "DIV", isContentEditable: true })).toBe(true);
    }
  });

  it("lets letters and digits pressed on a select or checkbox reach the page's shortcuts", () => {
    for (const target of [
      { tagName: "SELECT" },
      { tagName: "INPUT", type: "checkbox" },
      { tagName: "INPUT", type: "range" },
    ]) {
      for (const key of ["a", "r", "8", "?", "Escape"]) expect(keyBelongsToControl(key, target)).toBe(false);
    }
  });

  it("keeps the keys a select, checkbox or slider acts on with the control", () => {
    for (const key of [" ", "Enter", "ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight", "Home", "End"]) {
      expect(keyBelongsToControl(key, { tagName: "SELECT" })).toBe(true);
      expect(keyBelongsToControl(key, { tagName: "INPUT", type: "CHECKBOX" })).toBe(true);
      expect(keyBelongsToControl(key, { tagName: "INPUT", type: "range" })).toBe(true);
    }
  });

  it("keeps only Enter and Space with buttons and links", () => {
    expect(keyBelongsToControl("Enter", { tagName: "BUTTON" })).toBe(true);
    expect(keyBelongsToControl(" ", { tagName: "a" })).toBe(true);
    expect(keyBelongsToControl("ArrowRight", { tagName: "BUTTON" })).toBe(false);
    expect(keyBelongsToControl("a", { tagName: "BUTTON" })).toBe(false);
  });

  it("gives keys on the page itself, or on no element, to the shortcuts", () => {
    expect(keyBelongsToControl("a", { tagName: "BODY" })).toBe(false);
    expect(keyBelongsToControl(" ", { tagName: "DIV" })).toBe(false);
    expect(keyBelongsToControl("a", null)).toBe(false);
    expect(keyBelongsToControl("a", {} as never)).toBe(false);
  });
});
