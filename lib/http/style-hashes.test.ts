import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { pageContentSecurityPolicy } from "./security-headers";
import { SONNER_STYLE_HASHES } from "./style-hashes";

const hash = (text: string) => `sha256-${createHash("sha256").update(text).digest("base64")}`;

describe("the inline styles the page policy allows by hash", () => {
  it("match the stylesheet the installed sonner inserts", async () => {
    const file = createRequire(import.meta.url)
      .resolve("sonner")
      .replace(/index\.js$/, "index.mjs");
    const css = (await readFile(file, "utf8")).match(/__insertCSS\((".*")\);?\n/)?.[1];
    expect(css, "sonner still inserts its CSS with __insertCSS").toBeDefined();
    expect(SONNER_STYLE_HASHES).toEqual([hash(""), hash(JSON.parse(css!) as string)]);
  });

  it("are in style-src next to the nonce, and nothing looser", () => {
    const policy = pageContentSecurityPolicy({ nonce: "abc", dev: false, https: false });
    const styleSrc = policy.split("; ").find((d) => d.startsWith("style-src "))!;
    expect(styleSrc).toBe(`style-src 'self' 'nonce-abc' ${SONNER_STYLE_HASHES.map((h) => `'${h}'`).join(" ")}`);
  });
});
