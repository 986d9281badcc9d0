import { createPrivateKey, webcrypto, type KeyObject } from "node:crypto";
import { eq } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { installationKeys } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { secretsKey } from "@/lib/env";

/**
 * The per-installation signing identity for content credentials: an ES256 (P-256) key and a
 * two-certificate chain (installation CA → end-entity), made on first use and kept in
 * installation_keys with the private key sealed like provider secrets.
 *
 * c2pa-rs rejects a self-signed end-entity certificate and checks the profile of the one that
 * signs (sdk/src/crypto/cose/certificate_profile.rs): X.509 v3, ECDSA with SHA-256 on P-256,
 * critical key usage with digitalSignature (and no keyCertSign on a leaf), an extended key usage
 * from its allowed list (we give emailProtection and documentSigning), an authority key
 * identifier, and no unhandled critical extension. The CA's private key is discarded once the
 * leaf is issued: it is never needed again, and a rotation makes a new chain.
 */
export const C2PA_KEY_PURPOSE = "c2pa";
const ALGORITHM = "ES256";
const ECDSA = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const EKU_EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
const EKU_DOCUMENT_SIGNING = "1.3.6.1.5.5.7.3.36";
const CA_YEARS = 20;
const LEAF_YEARS = 10;

export type SigningIdentity = {
  algorithm: "ES256";
  privateKey: KeyObject;
  /** DER certificates, leaf first. */
  chainDer: Uint8Array[];
  /** PEM chain, leaf first (as stored). */
  chainPem: string;
};

/** The installation's c2pa identity, creating (and auditing) it the first time it is asked for. */
export async function getC2paSigningIdentity({ db }: { db: DbExecutor }): Promise<SigningIdentity> {
  const existing = await readKey(db);
  if (existing) return existing;

  const made = await makeIdentity();
  const sealed = sealSecret(made.privateKeyPem, secretsKey());
  // Two processes may race on first use: the primary key lets one insert win and the other reads it.
  const created = await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(installationKeys)
      .values({
        purpose: C2PA_KEY_PURPOSE,
        algorithm: ALGORITHM,
        privateKeySealed: sealed,
        certificatePem: made.chainPem,
      })
      .onConflictDoNothing({ target: installationKeys.purpose })
      .returning({ purpose: installationKeys.purpose });
    if (inserted.length === 0) return false;
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "c2pa.key_created",
        subject: { type: "installation_key", id: C2PA_KEY_PURPOSE },
        data: {
          algorithm: ALGORITHM,
          subject: made.leafSubject,
          issuer: made.caSubject,
          notAfter: made.notAfter.toISOString(),
        },
      },
    });
    return true;
  });
  if (!created) {
    const winner = await readKey(db);
    if (!winner) throw new Error("The c2pa installation key vanished after a concurrent create.");
    return winner;
  }
  return identityFrom(made.privateKeyPem, made.chainPem);
}

async function readKey(db: DbExecutor): Promise<SigningIdentity | null> {
  const [row] = await db.select().from(installationKeys).where(eq(installationKeys.purpose, C2PA_KEY_PURPOSE));
  if (!row) return null;
  return identityFrom(openSecret(row.privateKeySealed, secretsKey()), row.certificatePem);
}

function identityFrom(privateKeyPem: string, chainPem: string): SigningIdentity {
  return { algorithm: ALGORITHM, privateKey: createPrivateKey(privateKeyPem), chainDer: pemToDer(chainPem), chainPem };
}

/** The DER bodies of every CERTIFICATE block in a PEM chain, in order. */
export function pemToDer(pem: string): Uint8Array[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map(
    (b) => new Uint8Array(Buffer.from(b.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ""), "base64")),
  );
}

async function makeIdentity() {
  // @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata
  // polyfill loaded first. Both are loaded only here, on the one call per installation that needs them.
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const subtle = webcrypto.subtle;

  const caKeys = (await subtle.generateKey(ECDSA, true, ["sign", "verify"])) as CryptoKeyPair;
  const leafKeys = (await subtle.generateKey(ECDSA, true, ["sign", "verify"])) as CryptoKeyPair;
  // Back-dated a little so a verifier whose clock lags still sees the certificate as valid.
  const notBefore = new Date(Date.now() - 24 * 3600_000);
  const years = (n: number) => new Date(notBefore.getTime() + n * 365.25 * 24 * 3600_000);
  const id = Buffer.from(webcrypto.getRandomValues(new Uint8Array(4))).toString("hex");
  const caSubject = `CN=Kiln installation CA ${id}, O=Kiln (self-hosted installation)`;
  const leafSubject = `CN=Kiln content credentials ${id}, O=Kiln (self-hosted installation)`;
  const serial = () =>
    Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString("hex")
      .replace(/^[89a-f]/, "1");

  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: caSubject,
    notBefore,
    notAfter: years(CA_YEARS),
    keys: caKeys,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const notAfter = years(LEAF_YEARS);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: leafSubject,
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingKey: caKeys.privateKey,
    publicKey: leafKeys.publicKey,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([EKU_EMAIL_PROTECTION, EKU_DOCUMENT_SIGNING], false),
      await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  const pkcs8 = Buffer.from(await subtle.exportKey("pkcs8", leafKeys.privateKey));
  const privateKeyPem = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" })
    .export({ format: "pem", type: "pkcs8" })
    .toString();
  const chainPem = `${leaf.toString("pem")}\n${ca.toString("pem")}\n`;
  return { privateKeyPem, chainPem, caSubject, leafSubject, notAfter };
}
