/**
 * Inline <style> tags a library inserts at runtime without a nonce, allowed by their hash
 * (style-src in lib/http/security-headers.ts). sonner (the toasts) adds one empty <style> and then
 * its stylesheet text; style-hashes.test.ts recomputes the hash from the installed package, so an
 * upgrade that changes the CSS fails the test rather than the page.
 */
export const SONNER_STYLE_HASHES = [
  // The element is inserted empty, then filled.
  "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
  "sha256-StEaX+se6YS7pqjzrzMIA0KaX9zF/8zAhvQXZAe5epY=",
] as const;
