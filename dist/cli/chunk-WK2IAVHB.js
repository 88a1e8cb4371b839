#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/sys/git-error.ts
var GitError = class extends Error {
  constructor(message, stderr = "") {
    super(stderr.trim() ? `${message}: ${stderr.trim()}` : message);
    this.stderr = stderr;
  }
  stderr;
  name = "GitError";
};

export {
  GitError
};
