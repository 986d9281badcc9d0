import { describe, expect, it } from "vitest";
import { ROLES } from "@/db/schema";
import { AREAS, PERMISSIONS, areasFor, can } from "./permissions";

describe("permissions table", () => {
  it("gives admin every permission and keeps user management admin-only", () => {
    for (const p of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) expect(can("admin", p)).toBe(true);
    expect(ROLES.filter((r) => can(r, "users.manage"))).toEqual(["admin"]);
    expect(ROLES.filter((r) => can(r, "audit.view"))).toEqual(["admin"]);
  });

  it("lets finance see costs and budgets but never queue, edit or review", () => {
    expect(can("finance", "costs.view_all")).toBe(true);
    expect(can("finance", "budgets.manage")).toBe(true);
    for (const p of ["generations.create", "assets.edit", "review.decide", "batches.view"] as const)
      expect(can("finance", p)).toBe(false);
    expect(can("designer", "costs.view_all")).toBe(false);
  });

  it("shows each role only the areas its permissions allow", () => {
    expect(areasFor("finance").map((a) => a.label)).toEqual(["Home", "Costs", "Budgets", "Developers"]);
    expect(areasFor("designer").map((a) => a.label)).toEqual([
      "Home",
      "Generate",
      "Jobs",
      "Library",
      "Costs",
      "Uploads",
      "Collections",
      "Exports",
      "Share links",
      "Developers",
    ]);
    expect(areasFor("reviewer").map((a) => a.label)).toEqual([
      "Home",
      "Review",
      "Library",
      "Uploads",
      "Collections",
      "Exports",
      "Share links",
      "Developers",
    ]);
    expect(areasFor("admin")).toHaveLength(AREAS.length);
  });
});
