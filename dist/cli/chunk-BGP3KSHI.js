#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/engine/control-refused.ts
var ControlRefused = class extends Error {
};

// src/engine/errors.ts
var OperationError = class extends Error {
};

export {
  ControlRefused,
  OperationError
};
