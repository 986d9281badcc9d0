// ComfyUI server routes (/prompt, /history/{id}, /view, /upload/image): https://docs.comfy.org/development/comfyui-server/comms_routes
import { randomUUID } from "node:crypto";
import { comfySeed, fillWorkflow, img2imgGraph, inpaintGraph, txt2imgGraph, type ComfyGraph } from "./comfyui-graph";
import { blobOf, downloadImage } from "./download";
import {
  baseOf,
  fetchFor,
  isRecord,
  poll,
  pollPolicy,
  readJson,
  request,
  withCall,
  withDefaultTimeout,
  type CallScope,
  type ErrorBody,
} from "./http-call";
import {
  ProviderError,
  type AdapterDeps,
  type CallOptions,
  type Capability,
  type GenerateRequest,
  type ImageResult,
  type ImageToImageRequest,
  type InpaintRequest,
  type ProviderAdapter,
  type ProviderConfig,
} from "./types";

export const COMFYUI_CAPABILITIES: readonly Capability[] = ["generate", "inpaint"];

type ImageRef = { filename: string; subfolder: string; type: string };

/** /prompt answers 400 with { error, node_errors } when the graph fails validation. */
function promptError(body: ErrorBody): ProviderError | undefined {
  if (body.status !== 400 || !isRecord(body.json)) return undefined;
  const error = isRecord(body.json.error) ? body.json.error : {};
  const nodeErrors = isRecord(body.json.node_errors) ? body.json.node_errors : {};
  const details = Object.entries(nodeErrors).flatMap(([id, value]) => {
    const errors = isRecord(value) && Array.isArray(value.errors) ? value.errors : [];
    return errors.map(
      (e) => `node ${id}: ${isRecord(e) ? `${String(e.message)} ${String(e.details ?? "")}`.trim() : String(e)}`,
    );
  });
  const head = typeof error.message === "string" ? error.message : "prompt rejected";
  return new ProviderError("invalid_request", `comfyui: ${head}${details.length ? ` (${details.join("; ")})` : ""}`, {
    status: 400,
  });
}

/** Execution time from the history's status messages (execution_start → execution_success). */
function executionSeconds(status: unknown): number | undefined {
  const messages: unknown[] = isRecord(status) && Array.isArray(status.messages) ? status.messages : [];
  const at = (name: string) => {
    const entry = messages.find(
      (m): m is [string, Record<string, unknown>] => Array.isArray(m) && m[0] === name && isRecord(m[1]),
    );
    return typeof entry?.[1].timestamp === "number" ? entry[1].timestamp : undefined;
  };
  const start = at("execution_start");
  const end = at("execution_success");
  return start !== undefined && end !== undefined && end >= start ? (end - start) / 1000 : undefined;
}

function firstImage(outputs: unknown): ImageRef | undefined {
  if (!isRecord(outputs)) return undefined;
  const refs = Object.values(outputs).flatMap((node) =>
    isRecord(node) && Array.isArray(node.images) ? node.images : [],
  );
  const valid = refs.filter((r): r is ImageRef => isRecord(r) && typeof r.filename === "string");
  return valid.find((r) => r.type === "output") ?? valid[0];
}

function executionError(status: Record<string, unknown>): string {
  const messages = Array.isArray(status.messages) ? status.messages : [];
  const err = messages.find((m) => Array.isArray(m) && m[0] === "execution_error");
  const data = Array.isArray(err) && isRecord(err[1]) ? err[1] : {};
  return `${String(data.node_type ?? "workflow")}: ${String(data.exception_message ?? status.status_str ?? "execution failed")}`.trim();
}

export function createComfyUIAdapter(config: ProviderConfig, deps: AdapterDeps = {}): ProviderAdapter {
  const fetchFn = fetchFor(config, deps);
  const deadline = withDefaultTimeout(config);
  const base = baseOf(config.baseUrl);
  const policy = pollPolicy(config.options);
  const headers = (extra: Record<string, string> = {}): Record<string, string> =>
    config.apiKey ? { ...extra, Authorization: `Bearer ${config.apiKey}` } : extra;

  async function upload(scope: CallScope, image: Buffer, prefix: string): Promise<string> {
    const form = new FormData();
    form.append("image", blobOf(image, "image/png"), `${prefix}-${randomUUID()}.png`);
    form.append("type", "input");
    form.append("overwrite", "true");
    const res = await request(scope, fetchFn, `${base}/upload/image`, {
      method: "POST",
      headers: headers(),
      body: form,
    });
    const json = await readJson(scope, res);
    if (typeof json.name !== "string")
      throw new ProviderError("transient", "comfyui: upload answered without a file name");
    return typeof json.subfolder === "string" && json.subfolder !== "" ? `${json.subfolder}/${json.name}` : json.name;
  }

  async function run(scope: CallScope, graph: ComfyGraph, seed: number): Promise<ImageResult> {
    const submit = await request(
      scope,
      fetchFn,
      `${base}/prompt`,
      {
        method: "POST",
        headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify({ prompt: graph, client_id: randomUUID() }),
      },
      promptError,
    );
    const { prompt_id: promptId } = await readJson(scope, submit);
    if (typeof promptId !== "string")
      throw new ProviderError("transient", "comfyui: /prompt answered without a prompt_id");
    try {
      const entry = await poll(scope, policy, async () => {
        const res = await request(scope, fetchFn, `${base}/history/${encodeURIComponent(promptId)}`, {
          method: "GET",
          headers: headers(),
        });
        const record = (await readJson(scope, res))[promptId];
        return isRecord(record) ? record : undefined;
      });
      const status = isRecord(entry.status) ? entry.status : {};
      if (status.status_str === "error")
        throw new ProviderError("transient", `comfyui: execution failed (${executionError(status)})`);
      const ref = firstImage(entry.outputs);
      if (!ref)
        throw new ProviderError(
          "invalid_request",
          "comfyui: the workflow finished without an image output (add a SaveImage node)",
        );
      const query = new URLSearchParams({
        filename: ref.filename,
        subfolder: ref.subfolder ?? "",
        type: ref.type ?? "output",
      });
      const { image, contentType } = await downloadImage(scope, fetchFn, `${base}/view?${query}`, headers());
      return { image, contentType, seed, gpuSeconds: executionSeconds(entry.status), providerRequestId: promptId };
    } catch (error) {
      if (scope.signal.aborted) {
        // Best effort: drop our prompt from the queue so the GPU is not spent on an abandoned job.
        void fetchFn(`${base}/queue`, {
          method: "POST",
          headers: headers({ "Content-Type": "application/json" }),
          body: JSON.stringify({ delete: [promptId] }),
        }).catch(() => {});
      }
      throw error;
    }
  }

  return {
    kind: "comfyui",
    capabilities: new Set(COMFYUI_CAPABILITIES),
    generate(req: GenerateRequest, options?: CallOptions) {
      return withCall("comfyui generate", deadline(options), (scope) => {
        const seeded = { ...req, seed: comfySeed(req.seed) };
        const workflow = config.options?.workflow;
        const graph = workflow ? fillWorkflow(workflow, seeded) : txt2imgGraph(seeded);
        return run(scope, graph, seeded.seed);
      });
    },
    inpaint(req: InpaintRequest, options?: CallOptions) {
      return withCall("comfyui inpaint", deadline(options), async (scope) => {
        const seeded = { ...req, seed: comfySeed(req.seed) };
        const imageName = await upload(scope, req.image, "kiln-image");
        const maskName = await upload(scope, req.mask, "kiln-mask");
        return run(scope, inpaintGraph(seeded, imageName, maskName), seeded.seed);
      });
    },
    imageToImage(req: ImageToImageRequest, options?: CallOptions) {
      return withCall("comfyui img2img", deadline(options), async (scope) => {
        const seeded = { ...req, seed: comfySeed(req.seed) };
        const imageName = await upload(scope, req.image, "kiln-reference");
        return run(scope, img2imgGraph(seeded, imageName, req.strength), seeded.seed);
      });
    },
    listModels(options?: CallOptions) {
      return withCall("comfyui models", deadline(options), async (scope) => {
        const res = await request(scope, fetchFn, `${base}/object_info/CheckpointLoaderSimple`, {
          method: "GET",
          headers: headers(),
        });
        const info = (await readJson(scope, res)).CheckpointLoaderSimple;
        const input =
          isRecord(info) && isRecord(info.input) && isRecord(info.input.required)
            ? info.input.required.ckpt_name
            : undefined;
        const names = Array.isArray(input) ? input[0] : undefined;
        return Array.isArray(names) ? names.filter((n): n is string => typeof n === "string") : [];
      });
    },
  };
}
