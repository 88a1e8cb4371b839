export * from './plan.js';
export * from './diff.js';
export * from './render.js';
export * from './checklist.js';
export * from './changes.js';
export * from './drift.js';
