import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "./secret-box";

describe("secret box", () => {
  const key = randomBytes(32);
  it("round-trips, never stores the plaintext, and uses a fresh nonce each time", () => {
    const a = sealSecret("r8_secret_token", key);
    const b = sealSecret("r8_secret_token", key);
    expect(a).not.toContain("r8_secret_token");
    expect(a).not.toBe(b);
    expect(openSecret(a, key)).toBe("r8_secret_token");
  });
  it("refuses a tampered ciphertext or the wrong key", () => {
    const sealed = sealSecret("token", key);
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => openSecret(parts.join("."), key)).toThrow();
    expect(() => openSecret(sealed, randomBytes(32))).toThrow();
    expect(() => openSecret("garbage", key)).toThrow(/Unrecognised/);
  });
});
