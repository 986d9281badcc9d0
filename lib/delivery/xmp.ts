/** IPTC's code for "created by a trained model from prompts": the EU AI Act / platform label signal. */
export const TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";
/** A real image changed by a trained model (an uploaded photo that was erased, upscaled, cut out). */
export const COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia";

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

const escape = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    // XML 1.0 forbids most control characters; metadata is for people, so drop them.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");

const langAlt = (tag: string, value: string) => `<${tag}><rdf:Alt><rdf:li xml:lang="x-default">${escape(value)}</rdf:li></rdf:Alt></${tag}>`;

/**
 * The XMP packet a rendition carries — chosen fields only, nothing inherited from the source:
 * dc:title, IPTC alt text (Iptc4xmpCore:AltTextAccessibility, IPTC 2021.1), the digital source type
 * (Iptc4xmpExt:DigitalSourceType), photoshop:Credit, xmpRights:UsageTerms (mirrored in dc:rights),
 * and Kiln's own asset and approval ids. sharp writes it with `.withXmp()`.
 */
export function buildXmp(m: XmpFields): string {
  const props = [
    langAlt("dc:title", m.title),
    m.altText ? langAlt("Iptc4xmpCore:AltTextAccessibility", m.altText) : "",
    m.digitalSourceType ? `<Iptc4xmpExt:DigitalSourceType>${escape(m.digitalSourceType)}</Iptc4xmpExt:DigitalSourceType>` : "",
    `<photoshop:Credit>${escape(m.credit)}</photoshop:Credit>`,
    m.usageTerms ? langAlt("xmpRights:UsageTerms", m.usageTerms) + langAlt("dc:rights", m.usageTerms) : "",
    `<kiln:AssetId>${escape(m.assetId)}</kiln:AssetId>`,
    m.approvalId ? `<kiln:ApprovalId>${escape(m.approvalId)}</kiln:ApprovalId>` : "",
  ].filter(Boolean);
  return [
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>`,
    `<x:xmpmeta xmlns:x="adobe:ns:meta/">`,
    `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`,
    `<rdf:Description rdf:about=""`,
    ` xmlns:dc="http://purl.org/dc/elements/1.1/"`,
    ` xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"`,
    ` xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"`,
    ` xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"`,
    ` xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"`,
    ` xmlns:kiln="https://kiln.dev/ns/1.0/">`,
    ...props,
    `</rdf:Description>`,
    `</rdf:RDF>`,
    `</x:xmpmeta>`,
    `<?xpacket end="w"?>`,
  ].join("\n");
}
