import { describe, expect, it, vi } from "vitest";

// Counts how often the estimator (and so the multi-megabyte dictionaries) is built.
const built = vi.hoisted(() => ({ count: 0 }));
vi.mock("@zxcvbn-ts/core", async (importOriginal) => {
  const original = await importOriginal<typeof import("@zxcvbn-ts/core")>();
  class CountingFactory extends original.ZxcvbnFactory {
    constructor(...args: ConstructorParameters<typeof original.ZxcvbnFactory>) {
      super(...args);
      built.count += 1;
    }
  }
  return { ...original, ZxcvbnFactory: CountingFactory };
});

describe("password strength", () => {
  it("loads the dictionaries lazily, once, and never for sign-in", async () => {
    const { verifyCredentials } = await import("./sign-in");
    const { passwordWeakness } = await import("./password-strength");
    expect(typeof verifyCredentials).toBe("function");
    expect(built.count).toBe(0);
    await Promise.all([passwordWeakness("password1234"), passwordWeakness("a long enough passphrase")]);
    await passwordWeakness("correct horse battery staple");
    expect(built.count).toBe(1);
  });

  it("refuses common passwords, keyboard walks and the person's own details, and says why and what to do", async () => {
    const { passwordWeakness } = await import("./password-strength");
    expect(await passwordWeakness("password1234")).toBe(
      "This password is too easy to guess. This is similar to a commonly used password. Use three or four unrelated words, or a long random password from a password manager.",
    );
    for (const weak of ["qwertyuiop123", "abcdefghijkl", "123456789012", "iloveyou1234"])
      expect(await passwordWeakness(weak)).toMatch(/too easy to guess/);
    expect(await passwordWeakness("mariagonzalez1", ["mariagonzalez@example.test", "Maria Gonzalez"])).toMatch(
      /too easy to guess/,
    );
    for (const strong of ["a long enough passphrase", "temporary passphrase", "survives a crash", "kiln-demo-admin"])
      expect(await passwordWeakness(strong)).toBeNull();
  });
});
