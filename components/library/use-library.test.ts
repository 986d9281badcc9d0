import { describe, expect, it } from "vitest";
import type { LibraryFacets } from "@/lib/library/facets";
import { normalizeFacets } from "./use-library";

describe("library facets on the page", () => {
  it("keeps the server's order, labels each group, and reads the sample flag apart from the facets", () => {
    const body = {
      status: [{ value: "approved", label: "Approved", count: 2, token: "status:approved" }],
      campaign: [{ value: "Spring 26", label: "Spring 26", count: 5, token: 'campaign:"Spring 26"' }],
      tag: [],
      sample: { rows: 5000 },
    } as unknown as LibraryFacets;
    const view = normalizeFacets(body);
    expect(view.groups.map((g) => [g.field, g.label, g.values.length])).toEqual([
      ["status", "Status", 1],
      ["campaign", "Campaign", 1],
      ["tag", "Tags", 0],
    ]);
    expect(view.groups[1]!.values[0]).toEqual({
      value: "Spring 26",
      label: "Spring 26",
      count: 5,
      token: 'campaign:"Spring 26"',
    });
    expect(view.sampleRows).toBe(5000);
    expect(normalizeFacets({ ...body, sample: null } as LibraryFacets).sampleRows).toBeNull();
  });

  it("keeps a preset's versions under its entry and labels the aspect and size groups", () => {
    const v2 = { value: "hero@2", label: "v2", count: 3, token: "preset:hero@2" };
    const body = {
      preset: [{ value: "hero", label: "Hero", count: 4, token: "preset:hero", versions: [v2] }],
      aspect: [{ value: "16:9", label: "16:9 wide", count: 1, token: "aspect:16:9" }],
      size: [{ value: "<768", label: "Under 768 px", count: 2, token: "size:<768" }],
      sample: null,
    } as unknown as LibraryFacets;
    const view = normalizeFacets(body);
    expect(view.groups.map((g) => g.label)).toEqual(["Preset", "Aspect ratio", "Size (longer side)"]);
    expect(view.groups[0]!.values[0]!.versions).toEqual([v2]);
    expect(view.groups[1]!.values[0]).not.toHaveProperty("versions");
  });
});
