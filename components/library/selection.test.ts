import { describe, expect, it } from "vitest";
import { toggleSelection, toLibrarySelection, type SelectionState } from "./selection";

const order = ["a", "b", "c", "d", "e"];
const none: SelectionState = { kind: "ids", ids: new Set() };
const ids = (s: SelectionState) => (s.kind === "ids" ? [...s.ids].sort() : s.query);

describe("library selection", () => {
  it("toggles single tiles and selects a shift-click range from the last click", () => {
    let s = toggleSelection(none, null, "b", { order });
    expect(ids(s)).toEqual(["b"]);
    s = toggleSelection(s, "b", "d", { shift: true, order });
    expect(ids(s)).toEqual(["b", "c", "d"]);
    // Backwards works too, and a plain click takes one out.
    s = toggleSelection(s, "d", "a", { shift: true, order });
    expect(ids(s)).toEqual(["a", "b", "c", "d"]);
    s = toggleSelection(s, "a", "c", { order });
    expect(ids(s)).toEqual(["a", "b", "d"]);
  });

  it("clears a range when the anchor was just cleared", () => {
    let s: SelectionState = { kind: "ids", ids: new Set(order) };
    s = toggleSelection(s, null, "b", { order });
    s = toggleSelection(s, "b", "d", { shift: true, order });
    expect(ids(s)).toEqual(["a", "e"]);
  });

  it("a shift-click without an anchor in the list is a plain click", () => {
    expect(ids(toggleSelection(none, "gone", "c", { shift: true, order }))).toEqual(["c"]);
  });

  it("sends ids, or the query for all results, and nothing when empty", () => {
    expect(toLibrarySelection(none)).toBeNull();
    expect(toLibrarySelection({ kind: "ids", ids: new Set(["a"]) })).toEqual({ assetIds: ["a"] });
    expect(toLibrarySelection({ kind: "query", query: "status:approved", total: 9 })).toEqual({
      query: "status:approved",
    });
    expect(ids(toggleSelection({ kind: "query", query: "x", total: 9 }, null, "c", { order }))).toEqual(["c"]);
  });
});
