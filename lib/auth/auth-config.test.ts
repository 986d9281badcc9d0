import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { authConfig } from "./auth";
import { endSession, startSession } from "./sessions";

// The jwt callback records the sign-in's session; its database is not the subject here.
vi.mock("@/db", () => ({ getDatabase: async () => ({ db: {} }) }));
vi.mock("./sessions", () => ({
  startSession: vi.fn(async () => ({ id: "0b7d4a34-5f0e-4c36-9a43-0e5c1a1c9e11" })),
  endSession: vi.fn(async () => ({ revoked: true })),
}));

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

describe("Auth.js configuration", () => {
  it("offers only password sign-in by default, with short JWT sessions", () => {
    vi.stubEnv("AUTH_OIDC_ISSUER", "");
    vi.stubEnv("AUTH_SECRET", "x".repeat(40));
    const config = authConfig();
    expect(config.providers.map((p) => (typeof p === "function" ? p().id : p.id))).toEqual(["credentials"]);
    expect(config.session).toEqual({ strategy: "jwt", maxAge: 8 * 60 * 60 });
    expect(config.secret).toBe("x".repeat(40));
  });

  it("adds an OpenID Connect provider when the three OIDC variables are set", () => {
    vi.stubEnv("AUTH_SECRET", "x".repeat(40));
    vi.stubEnv("AUTH_OIDC_ISSUER", "https://id.example.com/realms/acme");
    vi.stubEnv("AUTH_OIDC_CLIENT_ID", "kiln");
    vi.stubEnv("AUTH_OIDC_CLIENT_SECRET", "s3cret");
    vi.stubEnv("AUTH_OIDC_NAME", "Acme SSO");
    const oidc = authConfig().providers.find((p) => typeof p !== "function" && p.id === "oidc");
    expect(oidc).toMatchObject({
      id: "oidc",
      type: "oidc",
      name: "Acme SSO",
      issuer: "https://id.example.com/realms/acme",
      clientId: "kiln",
    });
  });

  it("keeps only the user id, session version and a new session's id in the token — never a role", async () => {
    vi.stubEnv("AUTH_SECRET", "x".repeat(40));
    const jwt = authConfig().callbacks!.jwt!;
    const token = await jwt({
      token: {},
      user: { id: "u1", email: "a@b.c", sessionVersion: 3, role: "admin" } as never,
      account: { provider: "credentials" } as never,
      trigger: "signIn",
    } as never);
    expect(token).toEqual({ uid: "u1", sv: 3, sid: "0b7d4a34-5f0e-4c36-9a43-0e5c1a1c9e11" });
    expect(startSession).toHaveBeenCalledWith({
      db: {},
      input: expect.objectContaining({ userId: "u1", method: "password" }),
    });
  });

  it("revokes the token's session when Auth.js signs out, whichever route asked (the action or /api/auth/signout)", async () => {
    vi.stubEnv("AUTH_SECRET", "x".repeat(40));
    await authConfig().events!.signOut!({
      token: { uid: "u1", sv: 0, sid: "0b7d4a34-5f0e-4c36-9a43-0e5c1a1c9e11" },
    } as never);
    expect(endSession).toHaveBeenCalledWith({
      db: {},
      claims: { userId: "u1", sessionId: "0b7d4a34-5f0e-4c36-9a43-0e5c1a1c9e11" },
      ip: null,
    });
  });
});
