#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  Git
} from "./chunk-RFIB7AKY.js";

// src/cli/actor.ts
import { userInfo } from "node:os";
async function actorOf(root, env) {
  const given = env.ROLLOUTS_ACTOR || env.GITHUB_ACTOR;
  if (given) return given;
  const git = new Git(root, { env });
  const config = async (key) => {
    const r = await git.run(["config", "--get", key]);
    return r.code === 0 ? r.stdout.trim() : "";
  };
  const [name, email] = await Promise.all([config("user.name"), config("user.email")]);
  if (name || email) return [name, email && `<${email}>`].filter(Boolean).join(" ");
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

export {
  actorOf
};
