import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createA1111Interrogator } from "@/lib/alt-text/engines/a1111-interrogate";
import { cleanCaption } from "@/lib/alt-text/clean";
import { ProviderError } from "@/lib/providers/types";
import { colourName } from "./interrogate";
import { renderPng } from "./render";
import { startSimulator, type RunningSimulator } from "./index";

/** The simulator's /sdapi/v1/interrogate over real HTTP, as the A1111 interrogate engine calls it. */
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, latencyMs: 0, jitterMs: 0 });
});
afterAll(() => sim.close());

const post = (body: unknown) =>
  fetch(`${sim.url}/sdapi/v1/interrogate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** A picture whose content is known: blue sky, green field, a red ball on the left. */
const scene = (ball: string, cx: number) =>
  sharp(
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400">
      <rect width="640" height="250" fill="#3f6fd0"/><rect y="250" width="640" height="150" fill="#2f7d2a"/>
      <circle cx="${cx}" cy="260" r="60" fill="${ball}"/></svg>`),
  )
    .png()
    .toBuffer();

describe("simulator interrogate", () => {
  it("describes what is in the picture: sky, ground, the object, its colour and place", async () => {
    const res = await post({ image: (await scene("#d02a2a", 140)).toString("base64"), model: "clip" });
    expect(res.status).toBe(200);
    const { caption } = (await res.json()) as { caption: string };
    expect(caption).toMatch(/red object on the left on (dark )?green ground under a blue sky/);
    const other = (await (
      await post({ image: (await scene("#e8d020", 500)).toString("base64"), model: "clip" })
    ).json()) as { caption: string };
    expect(other.caption).toMatch(/yellow object on the right/);
  });

  it("is deterministic per image, and different images get different captions", async () => {
    const a = await renderPng({ prompt: "a ceramic mug on a wooden table", seed: 1, width: 256, height: 256 });
    const b = await renderPng({ prompt: "trail running shoe", seed: 7, width: 320, height: 256 });
    const once = (await (await post({ image: a.toString("base64") })).json()) as { caption: string };
    const twice = (await (
      await post({ image: `data:image/png;base64,${a.toString("base64")}`, model: "clip" })
    ).json()) as { caption: string };
    const third = (await (await post({ image: b.toString("base64"), model: "clip" })).json()) as { caption: string };
    expect(twice.caption).toBe(once.caption);
    expect(third.caption).not.toBe(once.caption);
    const tags = (await (await post({ image: a.toString("base64"), model: "deepdanbooru" })).json()) as {
      caption: string;
    };
    expect(tags.caption).toMatch(/^no_humans, outdoors, scenery, [a-z_]+_sky/);
  });

  it("answers A1111's errors: unknown model and missing image 404, an undecodable image 500", async () => {
    const unknown = await post({ image: "aGVsbG8=", model: "blip9" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: "HTTPException", detail: "Model not found" });
    const missing = await post({ model: "clip" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ detail: "Image not found" });
    const broken = await post({ image: Buffer.from("not an image").toString("base64") });
    expect(broken.status).toBe(500);
    expect(await broken.json()).toMatchObject({ detail: "Invalid encoded image" });
  });

  it("is what the A1111 interrogate engine reads, and cleans into alt text", async () => {
    const engine = createA1111Interrogator({ kind: "a1111", baseUrl: sim.url, allowPrivate: true });
    const out = await engine.caption({ image: await scene("#d02a2a", 140), contentType: "image/png" });
    const alt = cleanCaption(out.caption);
    expect(alt).toMatch(/^[A-Z].*red object on the left.*\.$/);
    expect(alt).not.toMatch(/arafed|trending|artstation|kiln-simulator|4k/i);
    sim.setConfig({ errorRate: 1 });
    try {
      const error = await engine
        .caption({ image: await scene("#d02a2a", 140), contentType: "image/png" })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).retryable).toBe(true);
    } finally {
      sim.setConfig({ errorRate: 0 });
    }
  });

  it("names colours the way people do", () => {
    expect(colourName([200, 30, 30])).toBe("bright red");
    expect(colourName([150, 40, 40])).toBe("red");
    expect(colourName([20, 20, 20])).toBe("black");
    expect(colourName([128, 128, 128])).toBe("grey");
    expect(colourName([60, 100, 210])).toBe("blue");
    expect(colourName([40, 110, 40])).toBe("green");
  });
});
