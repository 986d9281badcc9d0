import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProviderError } from "@/lib/providers/types";
import { createA1111Interrogator } from "./a1111-interrogate";
import { createOpenAIVisionCaptioner } from "./openai-vision";
import { createReplicateCaptioner, DEFAULT_REPLICATE_CAPTION_MODEL } from "./replicate-caption";

/**
 * Each engine against a local HTTP server answering the provider's documented shapes (and error
 * shapes). Real HTTP through the outbound policy: the endpoints are loopback, allowed by allowPrivate.
 */
type Seen = { method: string; path: string; headers: http.IncomingHttpHeaders; body: unknown };
type Reply = { status: number; body: unknown; headers?: Record<string, string> };

let server: http.Server;
let base = "";
let seen: Seen[] = [];
let replies: ((req: Seen) => Reply)[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const s: Seen = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      seen.push(s);
      const next = replies.shift() ?? ((): Reply => ({ status: 500, body: { detail: "no reply queued" } }));
      const r = next(s);
      res.writeHead(r.status, { "content-type": "application/json", ...r.headers }).end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
  replies = [];
});

const image = Buffer.from("ffd8ffe000104a464946", "hex"); // JPEG magic is enough: engines pass bytes through
const reply = (status: number, body: unknown, headers?: Record<string, string>) => () => ({ status, body, headers });

async function providerError(p: Promise<unknown>): Promise<ProviderError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("A1111 interrogate", () => {
  it("posts { image: base64, model } to /sdapi/v1/interrogate with Basic auth and reads { caption }", async () => {
    replies.push(reply(200, { caption: "a red ball on the grass, trending on artstation" }));
    const engine = createA1111Interrogator({
      kind: "a1111",
      baseUrl: `${base}/`,
      allowPrivate: true,
      apiKey: "kiln:secret",
    });
    const out = await engine.caption({ image, contentType: "image/jpeg", model: "clip" });
    expect(out).toEqual({ caption: "a red ball on the grass, trending on artstation", model: "clip" });
    expect(seen[0]).toMatchObject({
      method: "POST",
      path: "/sdapi/v1/interrogate",
      body: { image: image.toString("base64"), model: "clip" },
    });
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from("kiln:secret").toString("base64")}`);
  });

  it("maps A1111's error bodies: 404 Model not found is not retryable, a 500 is", async () => {
    const engine = createA1111Interrogator({ kind: "a1111", baseUrl: base, allowPrivate: true });
    replies.push(reply(404, { error: "HTTPException", detail: "Model not found" }));
    const notFound = await providerError(engine.caption({ image, contentType: "image/jpeg", model: "blip9" }));
    expect(notFound.kind).toBe("invalid_request");
    expect(notFound.message).toContain("Model not found");
    replies.push(reply(500, { error: "OutOfMemoryError", detail: "", body: "", errors: "CUDA out of memory" }));
    const oom = await providerError(engine.caption({ image, contentType: "image/jpeg" }));
    expect(oom.retryable).toBe(true);
    expect(oom.message).toContain("CUDA out of memory");
    replies.push(reply(200, { caption: "" }));
    expect((await providerError(engine.caption({ image, contentType: "image/jpeg" }))).message).toContain("no caption");
  });

  it("goes through the SSRF policy: a loopback endpoint without allowPrivate is refused before any request", async () => {
    const engine = createA1111Interrogator({ kind: "a1111", baseUrl: base, allowPrivate: false });
    const refused = await providerError(engine.caption({ image, contentType: "image/jpeg" }));
    expect(refused.kind).toBe("invalid_request");
    expect(seen).toHaveLength(0);
  });
});

describe("OpenAI vision", () => {
  it("sends a chat completion with a text part and an image_url data URL part, and reads choices[0].message.content", async () => {
    replies.push(
      reply(
        200,
        {
          id: "chatcmpl-1",
          model: "gpt-4o-mini-2024-07-18",
          choices: [{ index: 0, message: { role: "assistant", content: "A red ball on green grass." } }],
        },
        { "x-request-id": "req_1" },
      ),
    );
    const engine = createOpenAIVisionCaptioner({
      kind: "openai",
      baseUrl: `${base}/v1`,
      allowPrivate: true,
      apiKey: "sk-test",
      options: { project: "proj_1" },
    });
    const out = await engine.caption({ image, contentType: "image/jpeg", model: "gpt-4o-mini" });
    expect(out).toEqual({
      caption: "A red ball on green grass.",
      model: "gpt-4o-mini-2024-07-18",
      providerRequestId: "req_1",
    });
    const s = seen[0]!;
    expect(s.path).toBe("/v1/chat/completions");
    expect(s.headers.authorization).toBe("Bearer sk-test");
    expect(s.headers["openai-project"]).toBe("proj_1");
    const body = s.body as {
      model: string;
      messages: {
        role: string;
        content: { type: string; text?: string; image_url?: { url: string; detail: string } }[];
      }[];
    };
    expect(body.model).toBe("gpt-4o-mini");
    expect(body.messages[0]!.content[0]).toMatchObject({ type: "text" });
    expect(body.messages[0]!.content[1]).toEqual({
      type: "image_url",
      image_url: { url: `data:image/jpeg;base64,${image.toString("base64")}`, detail: "low" },
    });
  });

  it("maps { error: { code } }: a bad key and an exhausted quota are auth errors, a refusal is content_filtered", async () => {
    const engine = createOpenAIVisionCaptioner({ kind: "openai", baseUrl: base, allowPrivate: true, apiKey: "sk-bad" });
    replies.push(
      reply(401, {
        error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" },
      }),
    );
    const bad = await providerError(engine.caption({ image, contentType: "image/jpeg" }));
    expect(bad.kind).toBe("auth");
    expect(bad.message).toContain("Incorrect API key");
    replies.push(
      reply(429, {
        error: { message: "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota" },
      }),
    );
    expect((await providerError(engine.caption({ image, contentType: "image/jpeg" }))).kind).toBe("auth");
    replies.push(
      reply(429, { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }),
    );
    expect((await providerError(engine.caption({ image, contentType: "image/jpeg" }))).retryable).toBe(true);
    replies.push(
      reply(200, { choices: [{ message: { role: "assistant", content: null, refusal: "I can't help with that." } }] }),
    );
    expect((await providerError(engine.caption({ image, contentType: "image/jpeg" }))).kind).toBe("content_filtered");
  });
});

describe("Replicate captioning", () => {
  it("creates a prediction with Prefer: wait and takes a finished answer without polling", async () => {
    replies.push(
      reply(201, {
        id: "p1",
        status: "succeeded",
        output: "Caption: a red ball on the grass",
        urls: { get: `${base}/v1/predictions/p1` },
      }),
    );
    const engine = createReplicateCaptioner({
      kind: "replicate",
      baseUrl: base,
      allowPrivate: true,
      apiKey: "r8_test",
    });
    const out = await engine.caption({ image, contentType: "image/jpeg" });
    expect(out).toEqual({
      caption: "Caption: a red ball on the grass",
      model: DEFAULT_REPLICATE_CAPTION_MODEL,
      providerRequestId: "p1",
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe("/v1/predictions");
    expect(seen[0]!.headers.prefer).toBe("wait=30");
    expect(seen[0]!.headers.authorization).toBe("Bearer r8_test");
    expect(seen[0]!.body).toEqual({
      version: DEFAULT_REPLICATE_CAPTION_MODEL.split(":")[1],
      input: { image: `data:image/jpeg;base64,${image.toString("base64")}`, task: "image_captioning" },
    });
  });

  it("polls urls.get until the prediction is terminal; an official model goes to its models endpoint", async () => {
    replies.push(
      reply(201, {
        id: "p2",
        status: "starting",
        urls: { get: `${base}/v1/predictions/p2`, cancel: `${base}/v1/predictions/p2/cancel` },
      }),
    );
    replies.push(reply(200, { id: "p2", status: "processing" }));
    replies.push(reply(200, { id: "p2", status: "succeeded", output: ["a red ", "ball"] }));
    const engine = createReplicateCaptioner({
      kind: "replicate",
      baseUrl: base,
      allowPrivate: true,
      apiKey: "r8_test",
      options: { pollIntervalMs: 5, pollMaxIntervalMs: 10 },
    });
    const out = await engine.caption({ image, contentType: "image/png", model: "lucataco/moondream2" });
    expect(out.caption).toBe("a red ball");
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      "POST /v1/models/lucataco/moondream2/predictions",
      "GET /v1/predictions/p2",
      "GET /v1/predictions/p2",
    ]);
    expect((seen[0]!.body as { input: Record<string, unknown> }).input).toEqual({
      image: `data:image/png;base64,${image.toString("base64")}`,
    });
  });

  it("reports a failed prediction and Replicate's problem-details errors", async () => {
    const engine = createReplicateCaptioner({
      kind: "replicate",
      baseUrl: base,
      allowPrivate: true,
      apiKey: "r8_test",
    });
    replies.push(reply(201, { id: "p3", status: "failed", error: "CUDA error: out of memory" }));
    const failed = await providerError(engine.caption({ image, contentType: "image/jpeg" }));
    expect(failed.message).toContain("CUDA error");
    replies.push(
      reply(422, {
        title: "Invalid version or not permitted",
        detail: "The specified version does not exist",
        status: 422,
      }),
    );
    const invalid = await providerError(engine.caption({ image, contentType: "image/jpeg" }));
    expect(invalid.kind).toBe("invalid_request");
    expect(invalid.message).toContain("does not exist");
    replies.push(
      reply(401, { title: "Unauthenticated", detail: "You did not pass a valid authentication token", status: 401 }),
    );
    expect((await providerError(engine.caption({ image, contentType: "image/jpeg" }))).kind).toBe("auth");
  });
});
