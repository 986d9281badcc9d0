import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/**
 * Next's core-web-vitals rules (React, react-hooks with the React Compiler's checks, jsx-a11y,
 * import, @next/next) and typescript-eslint's recommended set (through eslint-config-next/typescript).
 * Not the type-aware sets: with them a run took well over the 90 s `npm test` can spend on lint.
 */
const reactRules = Object.keys(Object.assign({}, ...nextVitals.map((c) => c.rules ?? {}))).filter((rule) =>
  /^(react|react-hooks|jsx-a11y)\//.test(rule),
);

const config = [
  {
    ignores: [
      ".next/**",
      ".data/**",
      "node_modules/**",
      "db/migrations/**",
      "test-results/**",
      "playwright-report/**",
      "e2e/.output/**",
      "next-env.d.ts",
    ],
  },
  ...nextVitals,
  ...nextTypescript,
  {
    rules: {
      // `_name` marks a value left out on purpose (`const { secret: _s, ...rest } = row`).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // A server's handler is declared before the closure that calls it and assigned once later.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // Off: local state seeded from props and re-synced when they change (optimistic toggles, a draft
      // that lands while the field is untouched) is this codebase's deliberate pattern; it costs one render.
      "react-hooks/set-state-in-effect": "off",
    },
  },
  {
    files: ["app/**", "components/**"],
    ignores: ["components/ui/link.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "next/link",
              message: "Use @/components/ui/link: it prefetches on intent, not every link in view.",
            },
          ],
        },
      ],
    },
  },
  {
    // No React outside app/ and components/ (these folders have no .tsx). Skipping the React rules
    // there keeps the React Compiler's checks off every function of lib/, and rules-of-hooks off
    // Playwright fixtures, whose `use` is not React's.
    files: ["lib/**", "db/**", "inngest/**", "scripts/**", "bench/**", "simulator/**", "e2e/**", "test/**", "*.ts"],
    ignores: ["**/*.tsx", "**/*.jsx"],
    rules: Object.fromEntries(reactRules.map((rule) => [rule, "off"])),
  },
];

export default config;
