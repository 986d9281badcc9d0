import * as exifr from "exifr";
import sharp, { type Sharp } from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { buildXmp, DIGITAL_SOURCE_TYPE_TRAINED, xmlText } from "./xmp";

/**
 * The XMP block on real files: sharp writes it into each delivery format, sharp and exifr read it
 * back, and the source's EXIF device and GPS tags are gone from every output.
 */
const fields = {
  title: `Trail shoe "Ridge" <red> & black`,
  altText: "A red trail running shoe on wet rock, side view.",
  credit: "Made with Kiln (AI-generated)",
  usageTerms: "Paid social, EU only, until 2027-06-30",
  assetId: "0b7f0c1e-5a53-4d1f-9a55-0e0f4c3f1a01",
  approvalId: "6f2d1c88-3e0e-4a57-8a34-44b5a1e6c9b2",
  digitalSourceType: DIGITAL_SOURCE_TYPE_TRAINED,
};

let source: Buffer;
beforeAll(async () => {
  // A source that carries what must never leave: camera make/model and a GPS position.
  source = await sharp({ create: { width: 320, height: 240, channels: 3, background: "#a33" } })
    .jpeg()
    .withExif({
      IFD0: { Make: "SecretCam", Model: "Spy 9000", Software: "leaky" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 24/1", GPSLongitudeRef: "E", GPSLongitude: "2/1 21/1 3/1" },
    })
    .toBuffer();
  const before = await exifr.parse(source, { tiff: true, gps: true });
  expect(before?.Make).toBe("SecretCam"); // the test would prove nothing if the source had no EXIF
  expect(before?.latitude).toBeCloseTo(48.86, 1);
});

describe("buildXmp", () => {
  it("makes one well-formed packet with every field, escaped", () => {
    const xmp = buildXmp(fields);
    expect(xmp.startsWith('<?xpacket begin="\uFEFF"')).toBe(true);
    expect(xmp.trimEnd().endsWith('<?xpacket end="w"?>')).toBe(true);
    expect(xmp).toContain("Trail shoe &quot;Ridge&quot; &lt;red&gt; &amp; black");
    expect(xmp).not.toContain("<red>");
    expect(xmp).toContain(
      `<Iptc4xmpExt:DigitalSourceType>${DIGITAL_SOURCE_TYPE_TRAINED}</Iptc4xmpExt:DigitalSourceType>`,
    );
    expect(xmp).toContain(`<kiln:AssetId>${fields.assetId}</kiln:AssetId>`);
    expect(xmp).toContain(`<kiln:ApprovalId>${fields.approvalId}</kiln:ApprovalId>`);
    // Balanced elements: every opening tag of a property has its closing tag.
    for (const tag of [
      "dc:title",
      "dc:rights",
      "xmpRights:UsageTerms",
      "photoshop:Credit",
      "Iptc4xmpCore:AltTextAccessibility",
    ]) {
      expect(xmp.split(`<${tag}>`).length).toBe(2);
      expect(xmp.split(`</${tag}>`).length).toBe(2);
    }
  });

  it("leaves out what is not known rather than writing empty values", () => {
    const xmp = buildXmp({ ...fields, altText: null, usageTerms: null, approvalId: null });
    expect(xmp).not.toContain("AltTextAccessibility");
    expect(xmp).not.toContain("UsageTerms");
    expect(xmp).not.toContain("dc:rights");
    expect(xmp).not.toContain("kiln:ApprovalId");
    expect(buildXmp({ ...fields, digitalSourceType: undefined })).not.toContain("DigitalSourceType");
    expect(xmp).toContain("<dc:title>");
  });

  it("drops control characters XML cannot carry", () => {
    expect(xmlText("a\u0000b\u0007c\u001Fd\te\nf")).toBe("abcd\te\nf");
    expect(xmlText(`'"<>&`)).toBe("&apos;&quot;&lt;&gt;&amp;");
  });
});

describe("XMP written by sharp", () => {
  const writers = {
    jpeg: (s: Sharp) => s.jpeg({ quality: 80 }),
    png: (s: Sharp) => s.png(),
    webp: (s: Sharp) => s.webp({ quality: 80 }),
    avif: (s: Sharp) => s.avif({ quality: 50, effort: 0 }),
  } as const;

  for (const [format, write] of Object.entries(writers)) {
    it(`${format}: carries the fields and no device or location metadata`, async () => {
      const out = await write(sharp(source).resize(160, 120).withXmp(buildXmp(fields))).toBuffer();
      const meta = await sharp(out).metadata();
      expect(meta.format).toBe(format === "avif" ? "heif" : format);
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeDefined();
      const packet = meta.xmp!.toString("utf8");
      expect(packet).toContain("Iptc4xmpCore:AltTextAccessibility");

      // exifr parses the packet sharp read back, as a sidecar (exifr reads no WebP container, so
      // every format is checked the same way). exifr leaves XML entities as written; decoding the
      // five predefined ones is what any XML reader does.
      const xmp = (await exifr.sidecar(meta.xmp!, { xmp: true, mergeOutput: false }, "xmp")) as Record<
        string,
        Record<string, unknown>
      >;
      const text = (v: unknown) => {
        const raw = v && typeof v === "object" && "value" in v ? (v as { value: unknown }).value : v;
        return typeof raw === "string" ? decodeEntities(raw) : raw;
      };
      expect(text(xmp.dc?.title)).toBe(fields.title);
      expect(text(xmp.dc?.rights)).toBe(fields.usageTerms);
      expect(text(xmp.xmpRights?.UsageTerms)).toBe(fields.usageTerms);
      expect(text(xmp.photoshop?.Credit)).toBe(fields.credit);
      expect(text(xmp.Iptc4xmpCore?.AltTextAccessibility)).toBe(fields.altText);
      expect(xmp.Iptc4xmpExt?.DigitalSourceType).toBe(DIGITAL_SOURCE_TYPE_TRAINED);
      expect(xmp.kiln?.AssetId).toBe(fields.assetId);
      expect(xmp.kiln?.ApprovalId).toBe(fields.approvalId);

      // Straight from the file too, where exifr can read the container.
      if (format !== "webp") {
        const fromFile = (await exifr.parse(out, { xmp: true, tiff: true, gps: true, exif: true })) as
          Record<string, unknown> | undefined;
        expect(fromFile?.Make).toBeUndefined();
        expect(fromFile?.Model).toBeUndefined();
        expect(fromFile?.latitude).toBeUndefined();
        expect(fromFile?.GPSLatitude).toBeUndefined();
        // exifr finds XMP inside JPEG's APP1; its PNG and AVIF readers skip the XMP chunk/item.
        if (format === "jpeg") {
          expect(fromFile?.DigitalSourceType).toBe(DIGITAL_SOURCE_TYPE_TRAINED);
          expect(fromFile?.AssetId).toBe(fields.assetId);
        }
      }
      const gps = await exifr.gps(out).catch(() => undefined);
      expect(gps?.latitude).toBeUndefined();
    });
  }
});

function decodeEntities(s: string): string {
  return s.replace(
    /&(quot|apos|lt|gt|amp);/g,
    (_, e: string) => ({ quot: '"', apos: "'", lt: "<", gt: ">", amp: "&" })[e]!,
  );
}
