// ESLint's configuration: the recommended rules for the JS modules, scripts and tests,
// with the globals each place has (browser, worker, Node). Layout is Prettier's job.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["build/", "node_modules/", "third_party/", "test-artifacts/", "dist/"] },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.node } },
    rules: {
      "no-unused-vars": ["error", { args: "after-used", argsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  { files: ["web/**/*.js", "wasm/**/*.js"], languageOptions: { globals: { ...globals.browser, ...globals.worker } } },
  // Code that Playwright runs inside the page.
  {
    files: ["tests/browser/**/*.mjs", "tools/bench.mjs"],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  // Linked into Emscripten's output with --post-js: its scope has Module and GLFW.
  {
    files: ["wasm/app/*.js"],
    languageOptions: { sourceType: "script", globals: { Module: "writable", GLFW: "writable" } },
  },
];
