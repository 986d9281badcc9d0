import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and wasm packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "sharp", "postgres"],
  poweredByHeader: false,
  // Server actions carry uploaded images; the storage layer enforces the real cap.
  experimental: { serverActions: { bodySizeLimit: "25mb" }, authInterrupts: true },
};

export default nextConfig;
