// Stands in for zod's locales barrel (`z.locales`) in the bundles: see scripts/build.mjs. English stays built in.
export {};
