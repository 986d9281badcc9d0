import { crc32 } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/**
 * The chunks a picture needs to look the same: the critical ones and the ancillary chunks that
 * change how pixels render. Everything else — tEXt/iTXt/zTXt (A1111 writes its generation
 * "parameters" there), eXIf, tIME, pHYs, private chunks — is metadata and is dropped.
 */
const KEEP = new Set(["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT"]);

/**
 * Drops a PNG's metadata chunks without decoding it: a byte copy instead of a decode and a zlib
 * re-encode, which matters because it runs while the GPU slot is held. Every chunk's CRC is
 * checked, so a damaged file is refused here rather than stored. Returns undefined for anything
 * this cannot handle byte-wise (not a PNG, an embedded ICC profile, APNG animation chunks), for
 * the caller's decoding path.
 */
export function stripPngChunks(image: Buffer): { data: Buffer; width: number; height: number } | undefined {
  if (image.length < 8 + 25 || !image.subarray(0, 8).equals(SIGNATURE)) return undefined;
  const kept: Buffer[] = [SIGNATURE];
  let width = 0;
  let height = 0;
  let sawEnd = false;
  for (let at = 8; at < image.length;) {
    if (at + 12 > image.length) return undefined;
    const length = image.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > image.length) return undefined;
    const type = image.toString("latin1", at + 4, at + 8);
    if (crc32(image.subarray(at + 4, at + 8 + length)) !== image.readUInt32BE(at + 8 + length)) return undefined;
    if (type === "iCCP" || type === "acTL") return undefined;
    if (type === "IHDR") {
      if (at !== 8 || length !== 13) return undefined;
      width = image.readUInt32BE(at + 8);
      height = image.readUInt32BE(at + 12);
    }
    if (KEEP.has(type)) kept.push(image.subarray(at, end));
    at = end;
    if (type === "IEND") {
      sawEnd = true;
      break;
    }
  }
  if (!sawEnd || width === 0 || height === 0) return undefined;
  return { data: Buffer.concat(kept), width, height };
}
