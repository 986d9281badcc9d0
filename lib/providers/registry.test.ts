import { describe, expect, it } from "vitest";
import { createAdapter, PROVIDER_CAPABILITIES } from "./registry";
import { PROVIDER_KINDS } from "./types";

describe("provider registry", () => {
  it("builds an adapter of the configured kind whose methods match its declared capabilities", () => {
    const method = {
      generate: "generate",
      inpaint: "inpaint",
      upscale: "upscale",
      removeBackground: "removeBackground",
    } as const;
    for (const kind of PROVIDER_KINDS) {
      const adapter = createAdapter({ kind, baseUrl: "http://127.0.0.1:9", apiKey: "user:secret" });
      expect(adapter.kind).toBe(kind);
      for (const capability of adapter.capabilities) expect(typeof adapter[method[capability]]).toBe("function");
      expect([...adapter.capabilities].sort()).toEqual([...PROVIDER_CAPABILITIES[kind].capabilities].sort());
    }
  });

  it("describes every kind for the admin UI", () => {
    expect(Object.keys(PROVIDER_CAPABILITIES).sort()).toEqual([...PROVIDER_KINDS].sort());
  });
});
