// The engine's masker is the process's: one masking point (sys/mask.ts) for everything that leaves the process.
export { Masker, secrets } from '../sys/mask.js';
