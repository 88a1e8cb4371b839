#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  formatMs
} from "./chunk-ODV7476C.js";

// src/sys/http-server.ts
import { createServer } from "node:http";
async function readBody(req, maxBytes) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.byteLength;
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
async function serveHttp(options, handle) {
  const maxBytes = options.maxBodyBytes ?? 1024 * 1024;
  const server = createServer((req, res) => {
    const reply = async () => {
      const body = await readBody(req, maxBytes);
      if (body === null) return { status: 413, body: `request body larger than ${maxBytes} bytes
` };
      const headers = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== void 0) headers[k] = String(v);
      const path = (req.url ?? "/").split("?")[0];
      return handle({ method: req.method ?? "GET", path, headers, body });
    };
    reply().catch((err) => ({ status: 500, body: `${err instanceof Error ? err.message : err}
` })).then((r) => {
      res.writeHead(r.status, { "content-type": "text/plain; charset=utf-8", ...r.headers });
      res.end(r.body ?? "");
    }).catch(() => res.destroy());
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address();
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    })
  };
}

// src/sys/http.ts
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

// src/sys/http-errors.ts
var HttpError = class extends Error {
  constructor(method, url, reason, detail) {
    super(`${method} ${safeUrl(url)}: ${detail}`);
    this.method = method;
    this.url = url;
    this.reason = reason;
    this.detail = detail;
  }
  method;
  url;
  reason;
  detail;
  name = "HttpError";
};
function safeUrl(url) {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
var CAUSES = {
  ECONNREFUSED: ["refused", "connection refused"],
  ENOTFOUND: ["not-found", "host not found"],
  EAI_AGAIN: ["not-found", "host not found (DNS lookup failed)"],
  ECONNRESET: ["network", "connection reset"],
  EPIPE: ["network", "connection closed"],
  UND_ERR_SOCKET: ["network", "connection closed"],
  UND_ERR_CONNECT_TIMEOUT: ["timeout", "timed out connecting"],
  ETIMEDOUT: ["timeout", "timed out connecting"],
  ESCHEME: ["bad-url", "not an http or https URL"]
};
function failureOf(err) {
  const own = err;
  const cause = own && typeof own.code === "string" ? own : err instanceof Error ? err.cause : void 0;
  const known = cause?.code ? CAUSES[cause.code] : void 0;
  if (known) return known;
  if (cause?.code) return ["network", `${cause.code}${cause.message ? `: ${cause.message}` : ""}`];
  return ["network", cause?.message ?? (err instanceof Error ? err.message : String(err))];
}

// src/sys/http.ts
var DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
var PLAIN_HEADERS = /* @__PURE__ */ new Set(["accept", "content-type", "user-agent", "idempotency-key", "accept-encoding"]);
var MAX_REDIRECTS = 5;
var RedirectRefused = class extends Error {
};
var AGENTS = {
  "http:": new HttpAgent({ keepAlive: true }),
  "https:": new HttpsAgent({ keepAlive: true })
};
function abortWith(req, signal) {
  const onAbort = () => {
    req.destroy(Object.assign(new Error("aborted"), { name: "AbortError", code: "ABORT_ERR" }));
  };
  if (signal.aborted) return onAbort();
  signal.addEventListener("abort", onAbort, { once: true });
  req.once("close", () => signal.removeEventListener("abort", onAbort));
}
function exchange(url, init, retried = false) {
  return new Promise((resolve, reject) => {
    const agent = url.protocol === "https:" ? AGENTS["https:"] : url.protocol === "http:" ? AGENTS["http:"] : null;
    if (!agent) return reject(Object.assign(new Error(`unsupported scheme ${url.protocol}`), { code: "ESCHEME" }));
    const headers = { ...init.headers };
    if (init.body !== void 0) headers["content-length"] = String(Buffer.byteLength(init.body));
    else if (!/^(GET|HEAD|OPTIONS|DELETE)$/i.test(init.method)) headers["content-length"] = "0";
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, { method: init.method, headers, agent });
    if (init.signal) abortWith(req, init.signal);
    req.on("response", resolve);
    req.on("error", (err) => {
      if (!retried && req.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE") && !init.signal?.aborted)
        exchange(url, init, true).then(resolve, reject);
      else reject(err);
    });
    req.end(init.body);
  });
}
async function send(url, init) {
  let at = url;
  let { method, body } = init;
  for (let hop = 0; ; hop++) {
    const res = await exchange(at, { ...init, method, body });
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new RedirectRefused(`more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, at);
      if (next.origin !== url.origin) {
        const custom = Object.keys(init.headers).filter((k) => !PLAIN_HEADERS.has(k.toLowerCase()));
        if (custom.length)
          throw new RedirectRefused(
            `redirected to another origin (${next.protocol}//${next.host}): not followed with the request's headers (${custom.join(", ")})`
          );
      }
      if (status === 303 || (status === 301 || status === 302) && method === "POST") {
        method = method === "HEAD" ? "HEAD" : "GET";
        body = void 0;
      }
      at = next;
      continue;
    }
    const headers = {};
    for (const [key, value] of Object.entries(res.headers))
      if (value !== void 0) headers[key] = Array.isArray(value) ? value.join(", ") : value;
    return { status, headers, body: res };
  }
}
function withoutCredentials(url, given = {}) {
  if (!url.username && !url.password) return [url, given];
  const headers = { ...given };
  if (!Object.keys(headers).some((k) => k.toLowerCase() === "authorization")) {
    const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString("base64")}`;
  }
  const bare = new URL(url);
  bare.username = bare.password = "";
  return [bare, headers];
}
function readCapped(body, maxBytes) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    body.on("data", (chunk) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        body.destroy();
        resolve(null);
      } else chunks.push(chunk);
    });
    body.once(
      "end",
      () => resolve(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"))
    );
    body.once("error", reject);
    body.once("close", () => {
      if (!body.complete) reject(body.errored ?? new Error("connection closed before the response ended"));
    });
  });
}
var parsedUrls = /* @__PURE__ */ new Map();
function parseUrl(url, method) {
  let parsed = parsedUrls.get(url);
  if (parsed) return parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpError(method, url, "bad-url", `not a URL: ${JSON.stringify(url.slice(0, 200))}`);
  }
  if (parsedUrls.size >= 64) parsedUrls.clear();
  parsedUrls.set(url, parsed);
  return parsed;
}
function deadline(parent, ms) {
  if (ms === void 0) return { signal: parent, timedOut: false, clear: () => void 0 };
  const controller = new AbortController();
  const follow = () => controller.abort(parent.reason);
  const timer = setTimeout(() => {
    d.timedOut = true;
    controller.abort(new Error("timeout"));
  }, ms);
  const d = {
    signal: controller.signal,
    timedOut: false,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener("abort", follow);
    }
  };
  if (parent?.aborted) follow();
  else parent?.addEventListener("abort", follow, { once: true });
  return d;
}
async function request(url, req = {}) {
  const method = req.method ?? "GET";
  const parsed = parseUrl(url, method);
  const timeout = deadline(req.signal, req.timeoutMs);
  const signal = timeout.signal;
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  try {
    const [target, headers] = withoutCredentials(parsed, req.headers);
    const sent = await send(target, { method, headers, body: req.body, signal });
    const body = await readCapped(sent.body, maxBytes);
    if (body === null) throw new HttpError(method, url, "too-large", `response larger than ${maxBytes} bytes`);
    return { status: sent.status, headers: sent.headers, body };
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (err instanceof RedirectRefused) throw new HttpError(method, url, "redirect", err.message);
    if (timeout.timedOut) throw new HttpError(method, url, "timeout", `timed out after ${formatMs(req.timeoutMs)}`);
    if (req.signal?.aborted) {
      const reason2 = req.signal.reason;
      const timedOut = reason2 instanceof Error && reason2.name === "TimeoutError";
      throw new HttpError(method, url, timedOut ? "timeout" : "aborted", timedOut ? "timed out" : "aborted");
    }
    const [reason, detail] = failureOf(err);
    throw new HttpError(method, url, reason, detail.replaceAll(url, safeUrl(url)));
  } finally {
    timeout.clear();
  }
}

// src/sys/json.ts
function tryParseJson(text) {
  const trimmed = text.trim();
  if (!trimmed) return void 0;
  try {
    return JSON.parse(trimmed);
  } catch {
    return void 0;
  }
}

export {
  HttpError,
  safeUrl,
  serveHttp,
  request,
  tryParseJson
};
