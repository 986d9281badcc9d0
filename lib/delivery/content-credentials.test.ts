import { X509Certificate, createPublicKey } from "node:crypto";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, installationKeys } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { addContentCredential, readContentCredential, type CredentialFormat } from "./content-credentials";
import { C2PA_KEY_PURPOSE, getC2paSigningIdentity, pemToDer } from "./installation-key";
import { buildXmp, DIGITAL_SOURCE_TYPE_TRAINED } from "./xmp";

/**
 * Content credentials end to end on a real database: the installation key is made once, sealed
 * and reused; every delivery format is signed and then read back and validated by c2pa-rs (the
 * same engine c2patool and the Content Credentials verifier use). Our self-made chain is not on
 * any trust list, so "Valid" with only signingCredential.untrusted is the expected verdict; with
 * the installation CA given as a trust anchor the same file is "Trusted".
 */
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const asset = {
  title: "Trail shoe Ridge — Meta feed 4:5",
  assetId: "0b7f0c1e-5a53-4d1f-9a55-0e0f4c3f1a01",
  approvalId: "6f2d1c88-3e0e-4a57-8a34-44b5a1e6c9b2",
  versionId: "9d41f7a2-0c55-4e0b-8a77-1f3c2b6d4e10",
};
const parent = { title: "Trail shoe Ridge (original)", sha256: "ab".repeat(32) };

async function rendition(format: CredentialFormat, size = 540): Promise<Buffer> {
  const s = sharp({ create: { width: size, height: size, channels: 3, background: "#3a6" } })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${size}" height="${size}"><circle cx="${size / 2}" cy="${size / 2}" r="${size / 3}" fill="#c33"/></svg>`,
        ),
      },
    ])
    .withXmp(
      buildXmp({
        title: asset.title,
        altText: "A red circle on green.",
        credit: "Kiln",
        usageTerms: null,
        assetId: asset.assetId,
        approvalId: asset.approvalId,
        digitalSourceType: DIGITAL_SOURCE_TYPE_TRAINED,
      }),
    );
  const out = {
    jpeg: () => s.jpeg({ quality: 82 }),
    png: () => s.png(),
    webp: () => s.webp({ quality: 80 }),
    avif: () => s.avif({ quality: 50, effort: 0 }),
  }[format]();
  return out.toBuffer();
}

describe("the installation key", () => {
  it("is made once, sealed, audited, and reused", async () => {
    const db = database.db;
    // Three first uses at once: one key, one audit event.
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => getC2paSigningIdentity({ db })));
    expect(b!.chainPem).toBe(a!.chainPem);
    expect(c!.chainPem).toBe(a!.chainPem);
    const rows = await db.select().from(installationKeys);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.purpose).toBe(C2PA_KEY_PURPOSE);
    expect(rows[0]!.algorithm).toBe("ES256");
    expect(rows[0]!.privateKeySealed.startsWith("v1.")).toBe(true);
    expect(rows[0]!.privateKeySealed).not.toContain("PRIVATE KEY");
    const again = await getC2paSigningIdentity({ db });
    expect(again.chainPem).toBe(a!.chainPem);
    const audits = await db.select().from(auditEvents).where(eq(auditEvents.action, "c2pa.key_created"));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actorId).toBeNull();
    expect(audits[0]!.subjectId).toBe(C2PA_KEY_PURPOSE);
  });

  it("is a P-256 leaf issued by a separate installation CA, with the usages C2PA asks for", async () => {
    const identity = await getC2paSigningIdentity({ db: database.db });
    const [leafDer, caDer] = pemToDer(identity.chainPem);
    const leaf = new X509Certificate(Buffer.from(leafDer!));
    const ca = new X509Certificate(Buffer.from(caDer!));
    expect(leaf.ca).toBe(false);
    expect(ca.ca).toBe(true);
    expect(leaf.subject).not.toBe(leaf.issuer); // c2pa-rs refuses a self-signed signer
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkPrivateKey(identity.privateKey)).toBe(true);
    expect(createPublicKey(identity.privateKey).asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(leaf.keyUsage).toEqual(expect.arrayContaining(["1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.36"]));
    expect(new Date(leaf.validTo).getTime()).toBeGreaterThan(Date.now() + 5 * 365 * 24 * 3600_000);
  });
});

describe("addContentCredential", () => {
  const formats: CredentialFormat[] = ["jpeg", "png", "webp", "avif"];
  for (const format of formats) {
    it(`${format}: signs a manifest that c2pa-rs reads back and validates`, async () => {
      const input = await rendition(format);
      const started = performance.now();
      const result = await addContentCredential(
        { data: input, format, ...asset, parentIngredient: parent },
        { db: database.db },
      );
      const ms = performance.now() - started;
      expect(result.reason).toBeUndefined();
      expect(result.signed).toBe(true);
      console.log(`c2pa ${format}: signed in ${ms.toFixed(1)} ms, ${input.length} → ${result.data.length} bytes`);

      // Still the same picture to an image decoder, still carrying our XMP.
      const meta = await sharp(result.data).metadata();
      expect(meta.width).toBe(540);
      expect(meta.xmp?.toString("utf8")).toContain(DIGITAL_SOURCE_TYPE_TRAINED);

      const read = await readContentCredential(result.data, format);
      expect(read).not.toBeNull();
      expect(read!.state).toBe("Valid");
      expect(read!.failureCodes).toEqual(["signingCredential.untrusted"]);
      expect(read!.successCodes).toContain("claimSignature.validated");
      expect(read!.successCodes).toContain(format === "avif" ? "assertion.bmffHash.match" : "assertion.dataHash.match");

      const m = read!.activeManifest!;
      expect(m.title).toBe(asset.title);
      expect(m.claim_generator_info?.[0]?.name).toBe("Kiln");
      expect(m.signature_info?.common_name).toMatch(/^Kiln content credentials/);
      const actions = (
        m.assertions?.find((a) => a.label.startsWith("c2pa.actions"))?.data as {
          actions: { action: string; digitalSourceType?: string }[];
        }
      ).actions;
      expect(actions.map((a) => a.action)).toEqual(["c2pa.created", "c2pa.cropped", "c2pa.resized"]);
      expect(actions[0]!.digitalSourceType).toBe(DIGITAL_SOURCE_TYPE_TRAINED);
      expect(m.assertions?.find((a) => a.label === "kiln.asset")?.data).toEqual({
        assetId: asset.assetId,
        versionId: asset.versionId,
        approvalId: asset.approvalId,
        sourceSha256: parent.sha256,
      });
      expect(m.ingredients?.[0]).toMatchObject({ title: parent.title, relationship: "componentOf" });

      // Given the installation CA as a trust anchor, the very same credential is fully trusted.
      const identity = await getC2paSigningIdentity({ db: database.db });
      const caPem = identity.chainPem.slice(identity.chainPem.indexOf("-----END CERTIFICATE-----") + 25).trim();
      const trusted = await readContentCredential(result.data, format, { trustAnchorsPem: caPem });
      expect(trusted!.state).toBe("Trusted");
      expect(trusted!.failureCodes).toEqual([]);
    });
  }

  it("an original (no parent) says only that a model made it", async () => {
    const result = await addContentCredential(
      {
        data: await rendition("png", 64),
        format: "png",
        ...asset,
        approvalId: null,
        softwareAgent: "Kiln · sd-xl 1.0",
      },
      { db: database.db },
    );
    const read = await readContentCredential(result.data, "png");
    const actions = (
      read!.activeManifest!.assertions!.find((a) => a.label.startsWith("c2pa.actions"))!.data as {
        actions: { action: string; softwareAgent?: { name: string } }[];
      }
    ).actions;
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ action: "c2pa.created", softwareAgent: { name: "Kiln · sd-xl 1.0" } });
    expect(read!.activeManifest!.ingredients ?? []).toEqual([]);
  });

  it("a pixel changed after signing breaks the hash binding", async () => {
    const signed = (
      await addContentCredential({ data: await rendition("png"), format: "png", ...asset }, { db: database.db })
    ).data;
    // Re-encode the same picture with one pixel changed, then put the signed manifest's bytes back:
    // simplest honest tamper is to change a byte of the IDAT data, which the data hash covers.
    const tampered = Buffer.from(signed);
    const idat = tampered.indexOf(Buffer.from("IDAT"));
    expect(idat).toBeGreaterThan(0);
    tampered[idat + 20] = tampered[idat + 20]! ^ 0xff;
    const read = await readContentCredential(tampered, "png");
    expect(read!.state).toBe("Invalid");
    expect(read!.failureCodes).toContain("assertion.dataHash.mismatch");
  });

  it("reads nothing from an image that has no credential", async () => {
    expect(await readContentCredential(await rendition("jpeg", 32), "jpeg")).toBeNull();
  });

  it("returns a format it cannot sign unchanged, saying why", async () => {
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
      .gif()
      .toBuffer();
    const result = await addContentCredential(
      { data: gif, format: "gif" as CredentialFormat, ...asset },
      { db: database.db },
    );
    expect(result.signed).toBe(false);
    expect(result.data).toBe(gif);
    expect(result.reason).toMatch(/not supported for gif/);
  });

  it("a file c2pa-rs cannot parse comes back unsigned with the reason, and the next one still signs", async () => {
    const garbage = Buffer.from("this is not a JPEG at all, only text pretending to be one");
    const failed = await addContentCredential({ data: garbage, format: "jpeg", ...asset }, { db: database.db });
    expect(failed.signed).toBe(false);
    expect(failed.data).toBe(garbage);
    expect(failed.reason).toMatch(/^C2PA signing failed: ./);
    const ok = await addContentCredential(
      { data: await rendition("jpeg", 32), format: "jpeg", ...asset },
      { db: database.db },
    );
    expect(ok.signed).toBe(true);
  });

  it("costs a few milliseconds a call once warm (logged, not asserted)", async () => {
    for (const format of ["webp", "avif"] as const) {
      const input = await rendition(format, 1080);
      await addContentCredential({ data: input, format, ...asset, parentIngredient: parent }, { db: database.db });
      const n = 10;
      const started = performance.now();
      for (let i = 0; i < n; i++)
        await addContentCredential({ data: input, format, ...asset, parentIngredient: parent }, { db: database.db });
      console.log(
        `c2pa ${format} 1080²: ${((performance.now() - started) / n).toFixed(1)} ms per call (mean of ${n}, warm), ${input.length} bytes in`,
      );
    }
  });
});
