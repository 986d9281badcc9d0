import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { Toaster } from "@/components/ui/toaster";
import "./globals.css";

// Every page renders per request, so each carries its request's CSP nonce (proxy.ts); a page
// prerendered at build time (the 404) would have scripts without one, which the policy blocks.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Kiln", template: "%s · Kiln" },
  description: "AI image production for creative operations",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
        <Toaster />
      </body>
    </html>
  );
}
