import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { ZodError } from "zod";
import { parseConfigPatch, type SimulatorConfig } from "./config";
import { die } from "./hash";
import { SD_MODELS, findModel, type SdModel } from "./models";
import { a1111Error } from "./requests";
import {
  extrasSingleImage,
  img2imgHandler,
  interrogateHandler,
  rembgHandler,
  samplers,
  sdModels,
  txt2img,
  upscalers,
  type CallContext,
  type ImageFaults,
  type Reply,
} from "./sdapi";

/**
 * Routing, authentication, latency and fault injection around the A1111 handlers. One instance per
 * simulator; its state (config, dice position, counters) is what /simulator/* reads and changes.
 */
const MAX_BODY = 64 * 1024 * 1024;
const IMAGE_ENDPOINTS: Record<string, (body: unknown, ctx: CallContext) => Promise<Reply>> = {
  "/sdapi/v1/txt2img": txt2img,
  "/sdapi/v1/img2img": img2imgHandler,
  "/sdapi/v1/extra-single-image": (body) => extrasSingleImage(body),
  "/sdapi/v1/interrogate": (body) => interrogateHandler(body),
  // The stable-diffusion-webui-rembg extension's endpoint (registered outside /sdapi, without --api-auth).
  "/rembg": (body) => rembgHandler(body),
};

/** FastAPI's schema document, reduced to its path list: clients read it to see which extensions are installed. */
function openApi() {
  const post = (summary: string) => ({ post: { summary } });
  const get = (summary: string) => ({ get: { summary } });
  return {
    openapi: "3.1.0",
    info: { title: "FastAPI", version: "0.1.0" },
    paths: {
      "/sdapi/v1/txt2img": post("Text2Imgapi"),
      "/sdapi/v1/img2img": post("Img2Imgapi"),
      "/sdapi/v1/extra-single-image": post("Extras Single Image Api"),
      "/sdapi/v1/interrogate": post("Interrogateapi"),
      "/sdapi/v1/sd-models": get("Get Sd Models"),
      "/sdapi/v1/upscalers": get("Get Upscalers"),
      "/sdapi/v1/samplers": get("Get Samplers"),
      "/sdapi/v1/options": { ...get("Get Config"), ...post("Set Config") },
      "/rembg": post("Rembg Remove"),
    },
  };
}

export type SimulatorStats = {
  calls: Record<string, number>;
  injected: {
    error: number;
    timeout: number;
    slow: number;
    blur: number;
    washedOut: number;
    duplicate: number;
    contentFiltered: number;
  };
  inFlight: number;
  /** Image calls received and not yet answered, hung ones included, and the most there ever were at once. */
  open: number;
  peakOpen: number;
};

const emptyStats = (): SimulatorStats => ({
  calls: {},
  injected: { error: 0, timeout: 0, slow: 0, blur: 0, washedOut: 0, duplicate: 0, contentFiltered: 0 },
  inFlight: 0,
  open: 0,
  peakOpen: 0,
});

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; reply: Reply }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY)
      return { ok: false, reply: { status: 413, body: a1111Error("HTTPException", "Request body too large") } };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return {
      ok: false,
      reply: { status: 422, body: { detail: [{ type: "json_invalid", loc: ["body", 0], msg: "JSON decode error" }] } },
    };
  }
}

export class SimulatorState {
  config: SimulatorConfig;
  stats = emptyStats();
  currentModel: SdModel = SD_MODELS[1]!;
  /** Position in the fault-dice sequence; every image call takes the next one. */
  private call = 0;
  /** Requests held open by the timeout fault, released when the client gives up or on close. */
  readonly hanging = new Set<ServerResponse>();

  constructor(config: SimulatorConfig) {
    this.config = config;
  }

  setConfig(patch: Partial<SimulatorConfig>): SimulatorConfig {
    this.config = { ...this.config, ...patch };
    if (patch.faultSeed !== undefined) this.call = 0;
    return this.config;
  }

  reset(): void {
    // Calls still open stay counted, so the peak after a reset is the peak from then on.
    const open = this.stats.open;
    this.stats = { ...emptyStats(), open, peakOpen: open };
    this.call = 0;
  }

  private authorised(req: IncomingMessage): boolean {
    if (!this.config.apiAuth) return true;
    const header = req.headers.authorization ?? "";
    if (!header.startsWith("Basic ")) return false;
    const given = Buffer.from(Buffer.from(header.slice(6), "base64").toString("utf8"));
    const expected = Buffer.from(this.config.apiAuth);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("x-kiln-simulator", "1");
    const path = new URL(req.url ?? "/", "http://simulator").pathname;
    const method = req.method ?? "GET";
    if (path.startsWith("/simulator/")) return this.handleControl(path, method, req, res);
    if (path.startsWith("/sdapi/") && !this.authorised(req)) {
      // FastAPI's HTTPBasic answers 401 with a challenge when credentials are missing or wrong.
      return send(res, 401, { detail: "Not authenticated" }, { "www-authenticate": "Basic" });
    }
    const image = IMAGE_ENDPOINTS[path];
    if (image && method === "POST") return this.handleImage(path, image, req, res);
    if (method === "GET" && path === "/sdapi/v1/sd-models") return this.count(path, res, sdModels());
    if (method === "GET" && path === "/sdapi/v1/upscalers") return this.count(path, res, upscalers());
    if (method === "GET" && path === "/sdapi/v1/samplers") return this.count(path, res, samplers());
    if (path === "/sdapi/v1/options") return this.handleOptions(method, req, res);
    if (method === "GET" && path === "/openapi.json") return send(res, 200, openApi());
    if (image || path === "/sdapi/v1/sd-models") return send(res, 405, { detail: "Method Not Allowed" });
    send(res, 404, { detail: "Not Found" });
  }

  private count(path: string, res: ServerResponse, reply: Reply): void {
    this.stats.calls[path] = (this.stats.calls[path] ?? 0) + 1;
    send(res, reply.status, reply.body);
  }

  private async handleOptions(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (method === "POST") {
      const body = await readJson(req);
      if (!body.ok) return send(res, body.reply.status, body.reply.body);
      const wanted = (body.value as { sd_model_checkpoint?: unknown }).sd_model_checkpoint;
      if (wanted !== undefined) {
        const model = typeof wanted === "string" ? findModel(wanted) : undefined;
        if (!model) return send(res, 500, a1111Error("RuntimeError", "", `model ${JSON.stringify(wanted)} not found`));
        this.currentModel = model;
      }
      return send(res, 200, null);
    }
    // A small subset of A1111's options: enough for clients that read the loaded checkpoint.
    send(res, 200, {
      sd_model_checkpoint: this.currentModel.title,
      samples_format: "png",
      sd_checkpoint_hash: this.currentModel.sha256,
    });
  }

  private async handleImage(
    path: string,
    handler: (body: unknown, ctx: CallContext) => Promise<Reply>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const started = Date.now();
    const call = ++this.call;
    const c = this.config;
    const s = this.stats;
    s.calls[path] = (s.calls[path] ?? 0) + 1;
    s.open++;
    s.peakOpen = Math.max(s.peakOpen, s.open);
    // Counted until the answer is written or the client goes away (a hung call ends only then);
    // on this.stats, which a reset replaces but carries the open count over to.
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.stats.open--;
    };
    res.once("close", close);
    res.once("finish", close);
    const body = await readJson(req);
    if (!body.ok) return send(res, body.reply.status, body.reply.body);
    const roll = (name: string, rate: number) => rate > 0 && die(c.faultSeed, call, name) < rate;
    if (roll("timeout", c.timeoutRate)) {
      s.injected.timeout++;
      this.hanging.add(res);
      res.on("close", () => this.hanging.delete(res));
      return;
    }
    s.inFlight++;
    try {
      let wait = c.latencyMs + Math.floor(die(c.faultSeed, call, "jitter") * c.jitterMs);
      if (roll("slow", c.slowRate)) {
        s.injected.slow++;
        wait += c.slowMs;
      }
      if (roll("error", c.errorRate)) {
        s.injected.error++;
        await sleep(wait);
        // What A1111's exception middleware returns when the GPU runs out of memory mid-call.
        const oom = "CUDA out of memory. Tried to allocate 2.00 GiB (simulated by kiln-simulator)";
        return send(res, 500, a1111Error("OutOfMemoryError", "", oom));
      }
      const faults: ImageFaults =
        path === "/sdapi/v1/extra-single-image" || path === "/rembg" || path === "/sdapi/v1/interrogate"
          ? {}
          : {
              blur: roll("blur", c.blurRate),
              washedOut: roll("washedOut", c.washedOutRate),
              duplicate: roll("duplicate", c.duplicateRate),
            };
      const ctx: CallContext = {
        call,
        config: c,
        faults,
        currentModel: this.currentModel,
        onFiltered: () => s.injected.contentFiltered++,
      };
      // The picture renders during the simulated GPU time, so a call takes max(latency, render).
      const [reply] = await Promise.all([handler(body.value, ctx), sleep(Math.max(0, wait - (Date.now() - started)))]);
      if (reply.status === 200)
        for (const f of ["blur", "washedOut", "duplicate"] as const) if (faults[f]) s.injected[f]++;
      send(res, reply.status, reply.body);
    } finally {
      s.inFlight--;
    }
  }

  private async handleControl(path: string, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (path === "/simulator/config" && method === "GET")
      return send(res, 200, { ...this.config, apiAuth: this.config.apiAuth ? "set" : null });
    if (path === "/simulator/config" && method === "POST") {
      const body = await readJson(req);
      if (!body.ok) return send(res, body.reply.status, body.reply.body);
      try {
        this.setConfig(parseConfigPatch(body.value));
        return send(res, 200, { ...this.config, apiAuth: this.config.apiAuth ? "set" : null });
      } catch (error) {
        if (error instanceof ZodError)
          return send(res, 422, { detail: error.issues.map((i) => ({ loc: i.path, msg: i.message })) });
        throw error;
      }
    }
    if (path === "/simulator/stats" && method === "GET") return send(res, 200, this.stats);
    if (path === "/simulator/reset" && method === "POST") {
      this.reset();
      return send(res, 200, this.stats);
    }
    send(res, 404, { detail: "Not Found" });
  }
}
