/** IFD0 tags that say where a picture was taken, with what, and by whom. */
const NAMED_TAGS: Record<number, string> = {
  0x8825: "gps",
  0x010f: "camera make",
  0x0110: "camera model",
  0x8298: "copyright",
  0x013b: "artist",
  0x0131: "software",
  0xa431: "camera serial number",
};

/**
 * Names what an EXIF block (sharp's metadata().exif: "Exif\0\0" then a TIFF header) holds, for
 * the upload's record of what was removed. Reads IFD0's tag list only; never throws on a damaged
 * block (it just names less).
 */
export function namedExifTags(exif: Buffer | undefined): string[] {
  if (!exif) return [];
  const tiff = exif.subarray(0, 6).toString("latin1") === "Exif\0\0" ? exif.subarray(6) : exif;
  if (tiff.length < 8) return [];
  const order = tiff.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return [];
  const u16 = (at: number) => (order === "II" ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (order === "II" ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  if (ifd0 + 2 > tiff.length) return [];
  const names = new Set<string>();
  const count = u16(ifd0);
  for (let i = 0; i < count; i += 1) {
    const entry = ifd0 + 2 + i * 12;
    if (entry + 12 > tiff.length) break;
    const name = NAMED_TAGS[u16(entry)];
    if (name) names.add(name);
  }
  return [...names].sort();
}
