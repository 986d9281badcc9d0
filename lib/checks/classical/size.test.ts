import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { prepareImage } from "../prepare";
import { sizeCheck } from "./size";
import { contextFor } from "./testing";

const imageOf = async (width: number, height: number) =>
  prepareImage(
    await sharp({ create: { width, height, channels: 3, background: "#446688" } })
      .png()
      .toBuffer(),
  );

describe("sizeCheck", () => {
  it("runs on support and hero, not on draft", () => {
    expect(Object.keys(sizeCheck.defaults).sort()).toEqual(["hero", "support"]);
  });

  it("passes the exact size", async () => {
    expect(
      await sizeCheck.run(await imageOf(1024, 768), contextFor({ expected: { width: 1024, height: 768 } })),
    ).toMatchObject({ verdict: "pass", score: 0 });
  });

  it("warns on the same aspect ratio at another size", async () => {
    const outcome = await sizeCheck.run(
      await imageOf(512, 384),
      contextFor({ expected: { width: 1024, height: 768 } }),
    );
    expect(outcome).toMatchObject({ verdict: "warn", reasonCode: "wrong_size" });
    expect(outcome.detail).toMatch(/512×384, not the 1024×768 .* same aspect ratio/);
  });

  it("fails another aspect ratio, and a swapped orientation", async () => {
    const square = await sizeCheck.run(await imageOf(512, 512), contextFor({ expected: { width: 1024, height: 768 } }));
    expect(square).toMatchObject({ verdict: "fail", reasonCode: "wrong_size" });
    expect(square.score).toBeCloseTo(0.25, 6);
    expect(
      (await sizeCheck.run(await imageOf(768, 1024), contextFor({ expected: { width: 1024, height: 768 } }))).verdict,
    ).toBe("fail");
  });

  it("follows the aspect tolerance (1 % on support, 0.5 % on hero, or the preset's)", async () => {
    // 1016×768 is 0.78 % narrower than 4:3.
    const near = await imageOf(1016, 768);
    const expected = { width: 1024, height: 768 };
    expect((await sizeCheck.run(near, contextFor({ expected }))).verdict).toBe("warn");
    expect((await sizeCheck.run(near, contextFor({ expected, tier: "hero" }))).verdict).toBe("fail");
    expect(
      (await sizeCheck.run(near, contextFor({ expected, tier: "hero", thresholds: { "size.aspect_tolerance": 0.02 } })))
        .verdict,
    ).toBe("warn");
  });
});
