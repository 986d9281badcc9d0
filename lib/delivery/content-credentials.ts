import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { WasmReader } from "@contentauth/c2pa-wasm";
import type { DbExecutor } from "@/db";
import { coseProtectedHeader, coseSign1 } from "./cose";
import { getC2paSigningIdentity } from "./installation-key";
import { DIGITAL_SOURCE_TYPE_TRAINED as DIGITAL_SOURCE_TYPE_AI } from "./xmp";

/**
 * Signed C2PA content credentials on renditions, made offline with @contentauth/c2pa-wasm (c2pa-rs
 * compiled to WebAssembly; see docs/decisions/0021-content-credentials.md). c2pa-rs builds the
 * manifest, its assertions and the hard binding to the image bytes; we sign the claim with the
 * installation's key (cose.ts). The WASM module and the key are loaded once per process.
 */
export type CredentialFormat = "jpeg" | "png" | "webp" | "avif";

const MIME: Record<CredentialFormat, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
};
/** Formats c2pa-rs embeds into: JPEG (APP11), PNG (caBX chunk), WebP (RIFF C2PA chunk), AVIF (BMFF uuid box). */
const SIGNABLE = new Set<string>(["jpeg", "png", "webp", "avif"]);
/** Bytes reserved for the COSE signature: the two-certificate chain (~1 KB) plus framing, no time stamp. */
const RESERVE_SIZE = 4096;
/** Verification runs only when reading; the signer's output is checked by the tests instead. */
const BUILDER_SETTINGS = JSON.stringify({ verify: { verify_after_sign: false } });

export type ContentCredentialInput = {
  data: Buffer;
  format: CredentialFormat;
  title: string;
  assetId: string;
  approvalId: string | null;
  versionId: string;
  softwareAgent?: string;
  parentIngredient?: { title: string; sha256: string };
  /** IPTC digital source type of the image (default trainedAlgorithmicMedia); callers that cannot know it do not sign. */
  digitalSourceType?: string;
};

export type ContentCredentialResult = { data: Buffer; signed: boolean; reason?: string };

export async function addContentCredential(
  input: ContentCredentialInput,
  deps: { db: DbExecutor },
): Promise<ContentCredentialResult> {
  if (!SIGNABLE.has(input.format)) {
    return {
      data: input.data,
      signed: false,
      reason: `C2PA signing is not supported for ${input.format} by c2pa-wasm.`,
    };
  }
  const c2pa = await loadC2pa();
  const signer = await signerFor(deps.db);
  const mime = MIME[input.format];
  const definition = manifestDefinition(input, mime);
  try {
    const signed = await serialised(async () => {
      const builder = c2pa.WasmBuilder.fromJson(JSON.stringify(definition), BUILDER_SETTINGS);
      try {
        return await builder.sign(
          signer,
          [],
          mime,
          new BytesBlob(
            new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength),
          ) as unknown as Blob,
        );
      } finally {
        builder.free();
      }
    });
    return { data: Buffer.from(signed.buffer, signed.byteOffset, signed.byteLength), signed: true };
  } catch (err) {
    // Never ship a half-made credential: the rendition goes out unsigned and the export says why.
    return { data: input.data, signed: false, reason: `C2PA signing failed: ${errorText(err)}` };
  }
}

function manifestDefinition(input: ContentCredentialInput, mime: string) {
  const agent = { name: input.softwareAgent ?? "Kiln" };
  const actions: Record<string, unknown>[] = [
    {
      action: "c2pa.created",
      digitalSourceType: input.digitalSourceType ?? DIGITAL_SOURCE_TYPE_AI,
      softwareAgent: agent,
    },
  ];
  if (input.parentIngredient) {
    actions.push(
      {
        action: "c2pa.cropped",
        softwareAgent: { name: "Kiln" },
        description: "Cropped around the focal point for a placement.",
      },
      {
        action: "c2pa.resized",
        softwareAgent: { name: "Kiln" },
        description: "Resized to the placement's dimensions.",
      },
    );
  }
  return {
    claim_generator_info: [{ name: "Kiln" }],
    title: input.title,
    format: mime,
    assertions: [
      { label: "c2pa.actions.v2", data: { actions } },
      {
        label: "kiln.asset",
        data: {
          assetId: input.assetId,
          versionId: input.versionId,
          approvalId: input.approvalId,
          ...(input.parentIngredient ? { sourceSha256: input.parentIngredient.sha256 } : {}),
        },
      },
    ],
    // The original the rendition was cut from. It carries no manifest of its own (originals are
    // stored unsigned), so it is named and hashed here rather than embedded.
    ingredients: input.parentIngredient
      ? [
          {
            title: input.parentIngredient.title,
            relationship: "componentOf",
            instance_id: `kiln:sha256:${input.parentIngredient.sha256}`,
          },
        ]
      : [],
  };
}

// ---------------------------------------------------------------------------------------------
// Reading back (tests, and anyone checking what an export carries)

export type ReadCredential = {
  /** c2pa-rs's verdict: "Invalid", "Valid" (signature and bindings good, signer not on a trust list) or "Trusted". */
  state: string;
  failureCodes: string[];
  successCodes: string[];
  activeManifest: {
    title?: string;
    claim_generator_info?: { name: string; version?: string }[];
    assertions?: { label: string; data: unknown }[];
    ingredients?: { title?: string; relationship?: string }[];
    signature_info?: { issuer?: string; common_name?: string; alg?: string };
  } | null;
};

/** Reads and validates the manifest in an image; `trustAnchorsPem` adds certificates to trust. */
export async function readContentCredential(
  data: Buffer,
  format: CredentialFormat,
  opts: { trustAnchorsPem?: string } = {},
): Promise<ReadCredential | null> {
  const c2pa = await loadC2pa();
  const settings = opts.trustAnchorsPem ? JSON.stringify({ trust: { user_anchors: opts.trustAnchorsPem } }) : undefined;
  let reader: WasmReader;
  try {
    reader = await c2pa.WasmReader.fromBytes(MIME[format], new Uint8Array(data), settings);
  } catch (err) {
    if (/JumbfNotFound|ManifestNotFound|no JUMBF/i.test(errorText(err))) return null;
    throw err;
  }
  try {
    const store = JSON.parse(reader.json()) as {
      active_manifest?: string;
      manifests?: Record<string, ReadCredential["activeManifest"]>;
      validation_state?: string;
      validation_results?: { activeManifest?: { failure?: { code: string }[]; success?: { code: string }[] } };
    };
    const results = store.validation_results?.activeManifest;
    return {
      state: store.validation_state ?? "Unknown",
      failureCodes: (results?.failure ?? []).map((f) => f.code),
      successCodes: (results?.success ?? []).map((s) => s.code),
      activeManifest: (store.active_manifest && store.manifests?.[store.active_manifest]) || null,
    };
  } finally {
    reader.free();
  }
}

// ---------------------------------------------------------------------------------------------
// The WASM module, the signer, and the bits of browser API c2pa-wasm expects

type C2pa = typeof import("@contentauth/c2pa-wasm");
let c2paPromise: Promise<C2pa> | null = null;

function loadC2pa(): Promise<C2pa> {
  c2paPromise ??= (async () => {
    installFileReaderSync();
    const mod = await import("@contentauth/c2pa-wasm");
    const wasmPath = resolveWasm();
    // Compiled asynchronously: the 9 MB module takes a few hundred ms, kept off the event loop.
    await mod.default({ module_or_path: await readFile(wasmPath) });
    return mod;
  })().catch((err) => {
    c2paPromise = null;
    throw err;
  });
  return c2paPromise;
}

/**
 * The .wasm file beside the package, wherever this file ended up (source under vitest, a chunk
 * under next build). Built from parts so the bundler does not try to bundle the .wasm itself
 * (Turbopack follows a literal require.resolve into it and fails on its loader).
 */
function resolveWasm(): string {
  const parts = ["@contentauth", "c2pa-wasm", "pkg", "c2pa_bg.wasm"];
  const fromCwd = join(process.cwd(), "node_modules", ...parts);
  if (existsSync(fromCwd)) return fromCwd;
  const manifest = createRequire(import.meta.url).resolve([parts[0], parts[1], "package.json"].join("/"));
  return join(dirname(manifest), parts[2]!, parts[3]!);
}

type WasmSignerDefinition = {
  alg: string;
  reserveSize: number;
  sign: (bytes: Uint8Array<ArrayBuffer>) => Promise<Uint8Array<ArrayBuffer>>;
};
// One signer per database (tests open several); the key is read and unsealed once.
const signers = new WeakMap<object, Promise<WasmSignerDefinition>>();

function signerFor(db: DbExecutor): Promise<WasmSignerDefinition> {
  let signer = signers.get(db);
  if (!signer) {
    signer = getC2paSigningIdentity({ db }).then((identity) => {
      const protectedHeader = coseProtectedHeader(identity.chainDer);
      return {
        alg: "es256",
        reserveSize: RESERVE_SIZE,
        sign: async (claim: Uint8Array<ArrayBuffer>) =>
          coseSign1({ claim, protectedHeader, privateKey: identity.privateKey, size: RESERVE_SIZE }),
      };
    });
    signer.catch(() => signers.delete(db));
    signers.set(db, signer);
  }
  return signer;
}

/** Forget the cached signer (after a key rotation, or in tests). */
export function forgetC2paSigner(db: DbExecutor): void {
  signers.delete(db);
}

// The WASM module is single-threaded; one signing at a time keeps its async steps from interleaving.
let queue: Promise<unknown> = Promise.resolve();
function serialised<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * c2pa-wasm reads its source asset as a browser Blob through FileReaderSync (a Web Worker API
 * Node lacks). It only asks for `size`, `slice()` and a synchronous read, so a byte-backed stand-in
 * and a FileReaderSync that reads only that stand-in are enough; nothing else sees either.
 */
class BytesBlob {
  readonly size: number;
  readonly type = "";
  constructor(readonly bytes: Uint8Array) {
    this.size = bytes.byteLength;
  }
  slice(start = 0, end = this.size): BytesBlob {
    return new BytesBlob(this.bytes.subarray(start, end));
  }
}

function installFileReaderSync() {
  const g = globalThis as { FileReaderSync?: unknown };
  if (g.FileReaderSync) return;
  g.FileReaderSync = class FileReaderSync {
    readAsArrayBuffer(blob: unknown): ArrayBuffer {
      if (!(blob instanceof BytesBlob)) throw new TypeError("Only Kiln's in-memory blobs can be read here.");
      return blob.bytes.slice().buffer;
    }
  };
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : JSON.stringify(err);
}
