import { sign, type KeyObject } from "node:crypto";
import { encode } from "cborg";

/**
 * COSE_Sign1 (RFC 9052) for a C2PA claim signature. c2pa-wasm hands its signer the claim bytes
 * and expects the whole COSE structure back ("direct COSE handling"), padded to exactly the size it
 * reserved in the manifest, so this builds what c2pa-rs's own signer would: ES256, the certificate
 * chain as x5chain (label 33) in the protected header, a detached payload, and zero padding under
 * "pad" (and "pad2" when one pad cannot hit the size) in the unprotected header.
 */
const COSE_SIGN1_TAG = 0xd2; // CBOR major type 6 (tag), value 18: COSE_Sign1
const ALG_ES256 = -7;
const HEADER_ALG = 1;
const HEADER_X5CHAIN = 33;

export function coseProtectedHeader(chainDer: Uint8Array[]): Uint8Array {
  return encode(
    new Map<number, unknown>([
      [HEADER_ALG, ALG_ES256],
      [HEADER_X5CHAIN, chainDer.length === 1 ? chainDer[0] : chainDer],
    ]),
  );
}

export function coseSign1(input: {
  claim: Uint8Array;
  protectedHeader: Uint8Array;
  privateKey: KeyObject;
  size: number;
}): Uint8Array<ArrayBuffer> {
  const toBeSigned = encode(["Signature1", input.protectedHeader, new Uint8Array(0), input.claim]);
  const signature = new Uint8Array(sign("sha256", toBeSigned, { key: input.privateKey, dsaEncoding: "ieee-p1363" }));
  const build = (pad: number, pad2?: number) => {
    const unprotected = new Map<string, Uint8Array>([["pad", new Uint8Array(pad)]]);
    if (pad2 !== undefined) unprotected.set("pad2", new Uint8Array(pad2));
    const body = encode([input.protectedHeader, unprotected, null, signature]);
    const out = new Uint8Array(body.length + 1);
    out[0] = COSE_SIGN1_TAG;
    out.set(body, 1);
    return out;
  };
  // A byte string's length prefix grows at 24, 256 and 65536 bytes, so some sizes cannot be hit
  // by one pad; a small second pad shifts the total by the missing bytes.
  const bare = build(0).length;
  for (const pad2 of [undefined, 0, 1, 2, 3]) {
    for (let n = Math.max(0, input.size - bare - 16); n <= input.size - bare; n++) {
      const out = build(n, pad2);
      if (out.length === input.size) return out;
      if (out.length > input.size) break;
    }
  }
  throw new Error(`The COSE signature does not fit in the ${input.size} bytes reserved for it.`);
}
