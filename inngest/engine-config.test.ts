import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { engineConfig, runnerAppUrl } from "./engine-config";

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

function set(vars: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "kiln-engine-config-"));
  const base = {
    KILN_DATA_DIR: dir,
    INNGEST_DEV: "",
    INNGEST_SIGNING_KEY: "",
    INNGEST_EVENT_KEY: "",
    INNGEST_BASE_URL: "",
    KILN_EMBEDDED_RUNNER: "",
    KILN_HOST: "",
  };
  for (const [k, v] of Object.entries({ ...base, ...vars })) vi.stubEnv(k, v);
  resetEnvForTests();
  return dir;
}

describe("engine selection", () => {
  it("by default signs: the SDK verifies, against the embedded runner, with a key kept in the data folder", () => {
    const dir = set({ KILN_RUNNER_PORT: "8399", PORT: "3999" });
    const c = engineConfig();
    expect(c).toMatchObject({ mode: "signed", baseUrl: "http://127.0.0.1:8399", embeddedRunner: true });
    expect(c.signingKey).toBe(readFileSync(path.join(dir, "inngest-signing-key"), "utf8"));
    expect(c.eventKey).toMatch(/^[0-9a-f]{64}$/);
    expect(engineConfig().signingKey).toBe(c.signingKey); // generated once, then kept
    expect(runnerAppUrl()).toBe("http://127.0.0.1:3999/api/inngest");
  });

  it("uses Inngest Cloud / self-hosted keys as given, without the embedded runner", () => {
    set({
      INNGEST_SIGNING_KEY: "signkey-prod-abcd",
      INNGEST_EVENT_KEY: "evt",
      INNGEST_BASE_URL: "http://inngest.internal:8288",
    });
    expect(engineConfig()).toEqual({
      mode: "signed",
      baseUrl: "http://inngest.internal:8288",
      signingKey: "signkey-prod-abcd",
      eventKey: "evt",
      embeddedRunner: false,
    });
  });

  it("INNGEST_DEV selects the unsigned dev mode (which boot allows on loopback only)", () => {
    set({ INNGEST_DEV: "http://127.0.0.1:8288" });
    expect(engineConfig()).toMatchObject({
      mode: "dev",
      baseUrl: "http://127.0.0.1:8288",
      signingKey: undefined,
      embeddedRunner: false,
    });
  });
});
