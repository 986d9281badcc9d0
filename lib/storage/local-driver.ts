import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "@/lib/errors";
import { assertValidContentType, assertValidKey, blobRouteUrl } from "./keys";
import type { BlobKey, BlobObject, BlobStore, PutOptions, StoredBlob } from "./types";

/** The sidecar; `sha256` lets a reader tell which bytes the metadata describes. */
type Meta = StoredBlob & { sha256: string };

/**
 * Blobs on local disk, the embedded default:
 *   <root>/data/<key>        the bytes
 *   <root>/meta/<key>.json   content type, size and ETag (the sidecar)
 *   <root>/tmp/              partial writes; same file system as the rest, so rename is atomic
 * The sidecar is the commit point: a key without one does not exist, whatever data is on disk.
 */
export class LocalBlobStore implements BlobStore {
  readonly driver = "local" as const;
  private readonly dataDir: string;
  private readonly metaDir: string;
  private readonly tmpDir: string;
  /**
   * Data and sidecar are two renames, not one. Serialising writers (and the meta-read + open of
   * readers) per key keeps them paired; the brief runs one app process, which owns the blob folder.
   */
  private readonly locks = new Map<string, Promise<unknown>>();
  /**
   * Folders this store has made or found, so a write does not ask the file system again (three
   * writes per generated image, each with its folders). A folder removed behind the store's back
   * shows as ENOENT, and is made again (writeTemp, moveInto).
   */
  private readonly knownDirs = new Set<string>();

  /** `root` is the blob folder itself, normally `<env().dataDir>/blobs`. */
  constructor(root: string) {
    const abs = path.resolve(root);
    this.dataDir = path.join(abs, "data");
    this.metaDir = path.join(abs, "meta");
    this.tmpDir = path.join(abs, "tmp");
  }

  async put(key: BlobKey, body: Buffer, options: PutOptions): Promise<StoredBlob> {
    assertValidKey(key);
    assertValidContentType(options.contentType);
    const sha256 = createHash("sha256").update(body).digest("hex");
    const meta: Meta = { key, size: body.length, contentType: options.contentType, etag: `"${sha256}"`, sha256 };
    await this.withLock(key, async () => {
      // Stage both files first so the two renames happen back to back.
      const [tmpData, tmpMeta] = await Promise.all([this.writeTemp(body), this.writeTemp(JSON.stringify(meta))]);
      await this.moveBothInto(key, tmpData, tmpMeta);
    });
    return { key, size: meta.size, contentType: meta.contentType, etag: meta.etag };
  }

  async putStream(key: BlobKey, body: Readable, options: PutOptions): Promise<StoredBlob & { sha256: string }> {
    assertValidKey(key);
    assertValidContentType(options.contentType);
    // Asked every time: a stream cannot be written twice, so a folder gone behind the store's back must not surface as ENOENT.
    await mkdir(this.tmpDir, { recursive: true });
    // The body goes to a temp file (hashed and counted on the way), outside the key's lock: a long
    // write must not hold up readers of the key's current bytes. Only the renames take the lock.
    const tmpData = path.join(this.tmpDir, `${randomBytes(12).toString("hex")}.tmp`);
    const hash = createHash("sha256");
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, tap, createWriteStream(tmpData, { flags: "wx" }));
    } catch (error) {
      await rm(tmpData, { force: true });
      throw error;
    }
    const sha256 = hash.digest("hex");
    const meta: Meta = { key, size, contentType: options.contentType, etag: `"${sha256}"`, sha256 };
    await this.withLock(key, async () => {
      await this.moveBothInto(key, tmpData, await this.writeTemp(JSON.stringify(meta)));
    });
    return { key, size, contentType: meta.contentType, etag: meta.etag, sha256 };
  }

  /** Under the key's lock: the staged data and sidecar become the key's, back to back. */
  private async moveBothInto(key: BlobKey, tmpData: string, tmpMeta: string): Promise<void> {
    try {
      await this.moveInto(tmpData, this.dataPath(key));
      await this.moveInto(tmpMeta, this.metaPath(key));
    } catch (error) {
      // Moved files are gone from tmp/; only a failed move leaves something to clean up.
      await rm(tmpData, { force: true });
      await rm(tmpMeta, { force: true });
      throw error;
    }
  }

  async get(key: BlobKey): Promise<BlobObject | null> {
    assertValidKey(key);
    const opened = await this.withLock(key, async () => {
      const meta = await this.readMeta(key);
      if (!meta) return null;
      // Open under the lock: the descriptor pins these bytes even if a later put replaces the file.
      const handle = await open(this.dataPath(key), "r").catch(missingAsNull);
      if (!handle) return null;
      return { meta, handle };
    });
    if (!opened) return null;
    const { meta, handle } = opened;
    const { size } = await handle.stat();
    if (size !== meta.size) {
      // Only a crash between the two renames of an overwrite gets here; never serve a wrong length.
      await handle.close();
      throw new Error(`Blob "${key}" data (${size} bytes) does not match its metadata (${meta.size} bytes)`);
    }
    // The stream owns the descriptor and closes it on end, error or destroy.
    const body = handle.createReadStream();
    return { key, size: meta.size, contentType: meta.contentType, etag: meta.etag, body };
  }

  async delete(key: BlobKey): Promise<void> {
    assertValidKey(key);
    await this.withLock(key, async () => {
      // Sidecar first: once it is gone the key is gone, even if removing the data fails.
      await unlink(this.metaPath(key)).catch(missingAsNull);
      await unlink(this.dataPath(key)).catch(missingAsNull);
    });
  }

  url(key: BlobKey): string {
    return blobRouteUrl(key);
  }

  private dataPath(key: BlobKey): string {
    return path.join(this.dataDir, ...key.split("/"));
  }

  private metaPath(key: BlobKey): string {
    return path.join(this.metaDir, ...key.split("/")) + ".json";
  }

  private async writeTemp(content: Buffer | string): Promise<string> {
    const file = path.join(this.tmpDir, `${randomBytes(12).toString("hex")}.tmp`);
    await this.inDir(this.tmpDir, () => writeFile(file, content, { flag: "wx" }));
    return file;
  }

  private async moveInto(tmp: string, target: string): Promise<void> {
    try {
      await this.inDir(path.dirname(target), () => rename(tmp, target));
    } catch (error) {
      // "a" and "a/b" cannot both exist on disk: one would need to be a file and a folder at once.
      if (isFsCode(error, "ENOTDIR", "EISDIR", "EEXIST")) {
        throw new AppError("conflict", "A blob key cannot be both a file and a folder of other keys.", {
          cause: error,
        });
      }
      throw error;
    }
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.knownDirs.add(dir);
  }

  /** Runs a write into `dir`, making the folder first if this store has not seen it, or again if it has gone. */
  private async inDir<T>(dir: string, write: () => Promise<T>): Promise<T> {
    const known = this.knownDirs.has(dir);
    await this.ensureDir(dir);
    try {
      return await write();
    } catch (error) {
      if (!known || !isFsCode(error, "ENOENT")) throw error;
      this.knownDirs.delete(dir);
      await this.ensureDir(dir);
      return write();
    }
  }

  private async readMeta(key: BlobKey): Promise<Meta | null> {
    const text = await readFile(this.metaPath(key), "utf8").catch(missingAsNull);
    return text === null ? null : (JSON.parse(text) as Meta);
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => {});
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }
}

function isFsCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? "");
}

/** A missing file (or a key whose parent is a file, or a folder where a file should be) means "no blob". */
function missingAsNull(error: unknown): null {
  if (isFsCode(error, "ENOENT", "ENOTDIR", "EISDIR")) return null;
  throw error;
}
