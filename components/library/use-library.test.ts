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
    expect(view.groups[1]!.values[0]).toEqual({ value: "Spring 26", label: "Spring 26", count: 5, token: 'campaign:"Spring 26"' });
    expect(view.sampleRows).toBe(5000);
    expect(normalizeFacets({ ...body, sample: null } as LibraryFacets).sampleRows).toBeNull();
  });
});
