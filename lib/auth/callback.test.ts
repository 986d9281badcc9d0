import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback";

describe("safeCallbackPath", () => {
  it("keeps same-site paths and refuses everything that could leave the site", () => {
    expect(safeCallbackPath("/admin/users?x=1")).toBe("/admin/users?x=1");
    for (const bad of [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "javascript:alert(1)",
      "/sign-in",
      "/api/auth/signout",
      42,
      null,
      `/${"a".repeat(3000)}`,
    ]) {
      expect(safeCallbackPath(bad)).toBe("/");
    }
  });
});
