import { describe, expect, it } from "vitest";
import { PendingUrl, type LibraryUrlState } from "./use-library-url";

const at = (patch: Partial<LibraryUrlState> = {}): LibraryUrlState => ({
  q: 'campaign:"Spring"',
  sort: "newest",
  view: "grid",
  density: "comfortable",
  ...patch,
});

describe("library URL changes asked for in quick succession", () => {
  it("start from the last change asked for, so a facet clicked before 'Grid' lands keeps the grid", () => {
    const url = new PendingUrl();
    const list = at({ view: "list" });
    const grid = url.ask("/assets", { ...url.base("/assets", list), view: "grid" });
    expect(grid).toBe("/assets?q=campaign%3A%22Spring%22");
    // The URL on screen still says list: the facet starts from the grid asked for.
    const next = { ...url.base("/assets", list), q: 'campaign:"Spring" status:approved' };
    expect(next.view).toBe("grid");
    url.ask("/assets", next);
    // The first navigation lands; the second is still pending and stays the base.
    expect(url.base("/assets", at()).q).toBe('campaign:"Spring" status:approved');
    // The second lands: nothing pending, the URL is the base again.
    expect(url.base("/assets", next)).toBe(next);
    expect(url.base("/assets", at({ sort: "oldest" }))).toEqual(at({ sort: "oldest" }));
  });

  it("follow the URL when something else moved it (a link), or after back and forward", () => {
    const url = new PendingUrl();
    const list = at({ view: "list" });
    url.ask("/assets", { ...url.base("/assets", list), density: "compact" });
    const elsewhere = at({ q: "tag:hero" });
    expect(url.base("/assets", elsewhere)).toBe(elsewhere);

    url.ask("/assets", { ...url.base("/assets", elsewhere), density: "large" });
    url.forget();
    expect(url.base("/assets", list)).toBe(list);
  });
});
