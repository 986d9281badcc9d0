import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { authSecret, env, resetEnvForTests } from "./env";

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

describe("env", () => {
  it("falls back to the embedded defaults", () => {
    for (const k of [
      "DATABASE_URL",
      "BLOB_READ_WRITE_TOKEN",
      "INNGEST_DEV",
      "INNGEST_SIGNING_KEY",
      "PORT",
      "KILN_DEMO",
    ])
      vi.stubEnv(k, "");
    const e = env();
    expect(e).toMatchObject({
      databaseKind: "pglite",
      blobDriver: "local",
      PORT: 3000,
      KILN_DEMO: false,
      oidcEnabled: false,
    });
    expect(e.inngest).toEqual({ mode: "dev", devUrl: "http://127.0.0.1:8288" });
  });

  it("switches each part by environment alone", () => {
    vi.stubEnv("DATABASE_URL", "postgres://u@127.0.0.1:5432/db");
    vi.stubEnv("BLOB_READ_WRITE_TOKEN", "vercel_blob_rw_x_y");
    vi.stubEnv("INNGEST_DEV", "");
    vi.stubEnv("INNGEST_SIGNING_KEY", "signkey-prod-abc");
    vi.stubEnv("AUTH_OIDC_ISSUER", "https://id.example.com");
    vi.stubEnv("AUTH_OIDC_CLIENT_ID", "kiln");
    vi.stubEnv("AUTH_OIDC_CLIENT_SECRET", "s3cret");
    expect(env()).toMatchObject({
      databaseKind: "postgres",
      blobDriver: "vercel",
      inngest: { mode: "cloud" },
      oidcEnabled: true,
    });
  });

  it("names every invalid variable in one clear error", () => {
    vi.stubEnv("PORT", "eighty");
    vi.stubEnv("DATABASE_URL", "not a url");
    vi.stubEnv("AUTH_SECRET", "short");
    expect(() => env()).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*AUTH_SECRET must be at least 32 characters/);
  });

  it("takes a metrics token of at least 16 characters and a known log level", () => {
    vi.stubEnv("KILN_METRICS_TOKEN", "");
    vi.stubEnv("KILN_LOG_LEVEL", "");
    expect(env().KILN_METRICS_TOKEN).toBeUndefined();
    expect(env().KILN_LOG_LEVEL).toBe("info");
    resetEnvForTests();
    vi.stubEnv("KILN_METRICS_TOKEN", "short");
    vi.stubEnv("KILN_LOG_LEVEL", "loud");
    expect(() => env()).toThrow(/KILN_METRICS_TOKEN must be at least 16 characters[\s\S]*KILN_LOG_LEVEL/);
    resetEnvForTests();
    vi.stubEnv("KILN_METRICS_TOKEN", "0123456789abcdef");
    vi.stubEnv("KILN_LOG_LEVEL", "debug");
    expect(env()).toMatchObject({ KILN_METRICS_TOKEN: "0123456789abcdef", KILN_LOG_LEVEL: "debug" });
  });

  it("generates the auth secret once into the data folder and keeps it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kiln-env-"));
    vi.stubEnv("KILN_DATA_DIR", dir);
    vi.stubEnv("AUTH_SECRET", "");
    const first = authSecret();
    resetEnvForTests();
    expect(authSecret()).toBe(first);
    expect(readFileSync(path.join(dir, "auth-secret"), "utf8")).toBe(first);
    expect(first.length).toBeGreaterThanOrEqual(32);
  });
});
