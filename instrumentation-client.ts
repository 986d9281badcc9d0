import { z } from "zod";

// Runs in the browser before hydration. zod compiles parsers with new Function() unless told not
// to, and its probe for that is a CSP violation under Kiln's policy (no 'unsafe-eval').
z.config({ jitless: true });
