/**
 * The XMP packet a rendition carries (sharp writes it with `.withXmp()`; every other metadata
 * block — EXIF with its device and GPS tags, IPTC-IIM, ICC comments — is dropped by sharp's
 * default of keeping no metadata). Fields follow IPTC Photo Metadata 2021.1: title, rights and
 * usage terms, credit line, accessibility alt text and the digital source type that marks the
 * image as made by a trained model.
 */
export const XMP_NS = {
  x: "adobe:ns:meta/",
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  dc: "http://purl.org/dc/elements/1.1/",
  xmpRights: "http://ns.adobe.com/xap/1.0/rights/",
  photoshop: "http://ns.adobe.com/photoshop/1.0/",
  Iptc4xmpCore: "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
  Iptc4xmpExt: "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
  // Kiln's own properties. ".invalid" is reserved (RFC 2606): a name, never a place to fetch.
  kiln: "http://ns.kiln.invalid/xmp/1.0/",
} as const;

/** IPTC's code for "created by a trained model from prompts". */
export const DIGITAL_SOURCE_TYPE_TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";
/** A real image changed by a trained model (an uploaded photo that was erased, upscaled, cut out). */
export const DIGITAL_SOURCE_TYPE_COMPOSITE =
  "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia";

export type XmpFields = {
  title: string;
  altText: string | null;
  credit: string;
  usageTerms: string | null;
  assetId: string;
  approvalId: string | null;
  /** Omitted when unknown (an uploaded, unedited image: Kiln cannot tell how it was made). */
  digitalSourceType?: string;
};

export function buildXmp(m: XmpFields): string {
  const props = [
    langAlt("dc:title", m.title),
    m.usageTerms ? langAlt("dc:rights", m.usageTerms) : "",
    m.usageTerms ? langAlt("xmpRights:UsageTerms", m.usageTerms) : "",
    simple("photoshop:Credit", m.credit),
    m.altText ? langAlt("Iptc4xmpCore:AltTextAccessibility", m.altText) : "",
    m.digitalSourceType ? simple("Iptc4xmpExt:DigitalSourceType", m.digitalSourceType) : "",
    simple("kiln:AssetId", m.assetId),
    m.approvalId ? simple("kiln:ApprovalId", m.approvalId) : "",
  ].filter(Boolean);
  const ns = Object.entries(XMP_NS)
    .filter(([prefix]) => prefix !== "x" && prefix !== "rdf")
    .map(([prefix, uri]) => `\n    xmlns:${prefix}="${uri}"`)
    .join("");
  return [
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>`,
    `<x:xmpmeta xmlns:x="${XMP_NS.x}" x:xmptk="Kiln">`,
    ` <rdf:RDF xmlns:rdf="${XMP_NS.rdf}">`,
    `  <rdf:Description rdf:about=""${ns}>`,
    ...props.map((p) => `   ${p}`),
    `  </rdf:Description>`,
    ` </rdf:RDF>`,
    `</x:xmpmeta>`,
    `<?xpacket end="w"?>`,
  ].join("\n");
}

function simple(name: string, value: string): string {
  return `<${name}>${xmlText(value)}</${name}>`;
}

/** A language alternative with only the default language (XMP's shape for titles and text). */
function langAlt(name: string, value: string): string {
  return `<${name}><rdf:Alt><rdf:li xml:lang="x-default">${xmlText(value)}</rdf:li></rdf:Alt></${name}>`;
}

/** Escapes markup and drops the control characters XML 1.0 cannot carry at all. */
export function xmlText(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
