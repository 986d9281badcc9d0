import sharp, { type Metadata, type Sharp } from "sharp";
import { namedExifTags } from "./exif-tags";
import { stripPngChunks } from "./png-strip";

export type UploadFormat = "jpeg" | "png" | "webp" | "avif" | "gif";

/** What ingest did to an upload's metadata; stored in its audit entry and shown with the upload. */
export type MetadataReport = {
  /** What the file carried and Kiln did not keep: "exif", "gps", "camera make", "xmp", "iptc", ... */
  removed: string[];
  /** The EXIF orientation (2–8) turned into pixels, or null when the picture was upright. */
  orientationApplied: number | null;
  /** The embedded ICC colour profile was kept, so colours look as the photographer saw them. */
  colourProfileKept: boolean;
};

export type StrippedUpload = { data: Buffer; width: number; height: number; metadata: MetadataReport };

/** Visually lossless re-encodes: the upload is a reference image, kept once. */
const ENCODE: Record<UploadFormat, (s: Sharp) => Sharp> = {
  jpeg: (s) => s.jpeg({ quality: 95 }),
  png: (s) => s.png(),
  webp: (s) => s.webp({ quality: 95 }),
  avif: (s) => s.avif({ quality: 80 }),
  gif: (s) => s.gif(),
};

/**
 * What Kiln stores of a user's image: its pixels with the EXIF orientation applied and its colour
 * profile, without location, device, owner or editing metadata (EXIF, XMP, IPTC, text chunks).
 * A PNG without orientation or profile loses its metadata chunks byte-wise (pixels untouched);
 * everything else is decoded (within maxPixels) and re-encoded in its own format.
 */
export async function stripUploadedImage(
  bytes: Buffer,
  { format, meta, maxPixels }: { format: UploadFormat; meta: Metadata; maxPixels: number },
): Promise<StrippedUpload> {
  const removed = [
    ...(meta.exif ? ["exif", ...namedExifTags(meta.exif)] : []),
    ...(meta.xmp ? ["xmp"] : []),
    ...(meta.iptc ? ["iptc"] : []),
    ...(meta.comments?.length ? ["text"] : []),
  ];
  const orientation = meta.orientation && meta.orientation > 1 ? meta.orientation : null;
  if (format === "png" && !orientation) {
    const byteWise = stripPngChunks(bytes); // refuses PNGs with an ICC profile: those take the sharp path
    if (byteWise) return { ...byteWise, metadata: { removed, orientationApplied: null, colourProfileKept: false } };
  }
  const animated = (meta.pages ?? 1) > 1;
  let pipeline = sharp(bytes, { limitInputPixels: maxPixels, animated });
  if (orientation) pipeline = pipeline.rotate(); // with no angle: apply the EXIF orientation
  // sharp writes no EXIF/XMP/IPTC unless asked; keepIccProfile keeps only the colour profile.
  if (meta.icc) pipeline = pipeline.keepIccProfile();
  const { data, info } = await ENCODE[format](pipeline).toBuffer({ resolveWithObject: true });
  return {
    data,
    width: info.width,
    height: animated ? (info.pageHeight ?? info.height) : info.height,
    metadata: { removed, orientationApplied: orientation, colourProfileKept: Boolean(meta.icc) },
  };
}
