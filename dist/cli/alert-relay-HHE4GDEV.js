#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  package_default
} from "./chunk-ZPLU3SY3.js";
import {
  request,
  serveHttp,
  tryParseJson
} from "./chunk-JX3KUFU7.js";
import "./chunk-ODV7476C.js";
import {
  defineCommand
} from "./chunk-EWS5QH4S.js";
import {
  EXIT,
  Option,
  UsageError
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/alert-relay.ts
import { createHash, timingSafeEqual } from "node:crypto";
var EVENT_TYPE = "rollouts-alert";
var MAX_PAYLOAD_KEYS = 10;
var MAX_PAYLOAD_BYTES = 64 * 1024;
var ALERT_FIELDS = ["status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"];
var GROUP_FIELDS = ["receiver", "status", "groupKey", "externalURL", "truncatedAlerts"];
var WebhookError = class extends Error {
};
var isRecord = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var stringMap = (v) => isRecord(v) && Object.values(v).every((x) => typeof x === "string");
function parseWebhook(body) {
  const doc = tryParseJson(body);
  if (!isRecord(doc)) throw new WebhookError("the body is not a JSON object (an Alertmanager webhook)");
  if (doc.version !== "4")
    throw new WebhookError(`webhook version ${JSON.stringify(doc.version)}: this relay reads version "4"`);
  if (!Array.isArray(doc.alerts)) throw new WebhookError("the webhook has no alerts list");
  const alerts = doc.alerts.map((a, i) => {
    if (!isRecord(a) || a.status !== "firing" && a.status !== "resolved")
      throw new WebhookError(`alerts[${i}]: status must be "firing" or "resolved"`);
    if (!stringMap(a.labels)) throw new WebhookError(`alerts[${i}]: labels must map names to strings`);
    const out = {};
    for (const k of ALERT_FIELDS) if (a[k] !== void 0) out[k] = a[k];
    return out;
  });
  const group = {};
  for (const k of GROUP_FIELDS) if (doc[k] !== void 0) group[k] = doc[k];
  return { group, alerts };
}
var size = (v) => Buffer.byteLength(JSON.stringify(v));
function dispatchBodies(group, alerts) {
  const body = (chunk2) => ({ event_type: EVENT_TYPE, client_payload: { ...group, alerts: chunk2 } });
  if (Object.keys(body([]).client_payload).length > MAX_PAYLOAD_KEYS) throw new Error("too many client_payload keys");
  const fits = (chunk2) => size(body(chunk2).client_payload) < MAX_PAYLOAD_BYTES;
  const bodies = [];
  const dropped = [];
  let chunk = [];
  for (const alert of alerts) {
    if (fits([...chunk, alert])) {
      chunk.push(alert);
      continue;
    }
    if (chunk.length) bodies.push(body(chunk));
    chunk = [];
    const { annotations: _a, generatorURL: _g, ...small } = alert;
    if (fits([alert])) chunk = [alert];
    else if (fits([small])) chunk = [small];
    else dropped.push(alert);
  }
  if (chunk.length || !bodies.length) bodies.push(body(chunk));
  return { bodies, dropped };
}
var digest = (text) => createHash("sha256").update(text).digest();
function presented(headers) {
  const auth = headers.authorization ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(auth);
  if (bearer) return bearer[1].trim();
  const basic = /^Basic\s+(.+)$/i.exec(auth);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : decoded.slice(colon + 1);
}
function authorized(headers, secret) {
  const given = presented(headers);
  return given !== null && timingSafeEqual(digest(given), digest(secret));
}
var json = (status, value) => ({
  status,
  headers: { "content-type": "application/json" },
  body: `${JSON.stringify(value)}
`
});
async function dispatch(o, body) {
  const url = `${o.apiUrl.replace(/\/+$/, "")}/repos/${o.repo}/dispatches`;
  const res = await request(url, {
    method: "POST",
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${o.token}`,
      "content-type": "application/json",
      "user-agent": o.userAgent,
      "x-github-api-version": "2022-11-28"
    },
    body: JSON.stringify(body),
    timeoutMs: 3e4
  });
  if (res.status >= 200 && res.status < 300) return null;
  const message = tryParseJson(res.body)?.message;
  return `POST /repos/${o.repo}/dispatches: HTTP ${res.status}${typeof message === "string" ? `: ${message}` : ""}`;
}
async function handleRelayRequest(o, req) {
  if (req.method === "GET" && (req.path === "/-/healthy" || req.path === "/-/ready"))
    return { status: 200, body: "OK\n" };
  if (req.method !== "POST") return { status: 405, headers: { allow: "POST" }, body: "POST an Alertmanager webhook\n" };
  if (!authorized(req.headers, o.secret)) {
    o.logError(`alert-relay: refused a webhook without the shared secret (${req.path})`);
    return {
      status: 401,
      headers: { "www-authenticate": 'Bearer realm="rollouts alert-relay"' },
      body: "unauthorized\n"
    };
  }
  let parsed;
  try {
    parsed = parseWebhook(req.body);
  } catch (err) {
    if (!(err instanceof WebhookError)) throw err;
    o.logError(`alert-relay: bad webhook: ${err.message}`);
    return json(400, { error: err.message });
  }
  const { bodies, dropped } = dispatchBodies(parsed.group, parsed.alerts);
  for (const a of dropped)
    o.logError(
      `alert-relay: dropped ${a.labels.alertname ?? "an alert"}: larger than ${MAX_PAYLOAD_BYTES} bytes alone`
    );
  const firing = parsed.alerts.filter((a) => a.status === "firing").length;
  const what = `${parsed.alerts.length} alert(s) (${firing} firing, ${parsed.alerts.length - firing} resolved)`;
  for (const [i, body] of bodies.entries()) {
    let failure;
    try {
      failure = await dispatch(o, body);
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    if (failure) {
      o.logError(`alert-relay: ${what}: dispatch ${i + 1}/${bodies.length} failed: ${failure}`);
      return json(502, { error: failure, dispatched: i });
    }
  }
  o.log(
    `alert-relay: ${what} -> ${o.repo} ${EVENT_TYPE} (${bodies.length} dispatch${bodies.length === 1 ? "" : "es"})`
  );
  return json(200, { dispatched: bodies.length, alerts: parsed.alerts.length - dropped.length });
}
function startAlertRelay(o) {
  return serveHttp({ host: o.host, port: o.port }, (req) => handleRelayRequest(o, req));
}

// src/cli/commands/alert-relay.ts
var REPO = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
var alertRelayCommand = defineCommand({
  name: "alert-relay",
  summary: "Alertmanager webhook -> repository_dispatch rollouts-alert: gates fail at once",
  examples: [
    "GITHUB_TOKEN=\u2026 ROLLOUTS_RELAY_SECRET=\u2026 rollouts alert-relay --repo acme/deploys --port 9095",
    "rollouts alert-relay --repo acme/deploys --host 0.0.0.0 --token-env RELAY_GITHUB_TOKEN   # in a cluster"
  ],
  configure: (cmd) => cmd.addOption(new Option("--repo <owner/name>", "the repository whose workflow handles rollouts-alert")).addOption(new Option("--port <port>", "listen on this port (0: any free one)").default("9095")).addOption(new Option("--host <host>", "listen on this address").default("127.0.0.1")).addOption(new Option("--api-url <url>", "GitHub's REST API").default("https://api.github.com")).addOption(
    new Option("--token-env <name>", "the variable with the GitHub token (contents: write)").default(
      "GITHUB_TOKEN"
    )
  ).addOption(
    new Option(
      "--secret-env <name>",
      "the variable with the secret Alertmanager sends (bearer or basic-auth password)"
    ).default("ROLLOUTS_RELAY_SECRET")
  ),
  async run({ io, opts }) {
    if (!opts.repo || !REPO.test(opts.repo))
      throw new UsageError(`--repo must be owner/name, not ${opts.repo ?? "(unset)"}`);
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${opts.port}: not a port`);
    try {
      new URL(opts.apiUrl);
    } catch {
      throw new UsageError(`--api-url ${opts.apiUrl}: not a URL`);
    }
    const token = io.env[opts.tokenEnv];
    if (!token) throw new UsageError(`$${opts.tokenEnv} is not set: the relay needs a GitHub token to dispatch with`);
    const secret = io.env[opts.secretEnv];
    if (!secret)
      throw new UsageError(`$${opts.secretEnv} is not set: the relay refuses webhooks without a shared secret`);
    const relay = await startAlertRelay({
      host: opts.host,
      port,
      repo: opts.repo,
      apiUrl: opts.apiUrl,
      token,
      secret,
      userAgent: `rollouts-alert-relay/${package_default.version}`,
      log: (line) => io.out(line),
      logError: (line) => io.err(line)
    });
    io.out(`alert-relay: listening on ${relay.url}, relaying to ${opts.repo} via ${opts.apiUrl}`);
    const signal = await new Promise((resolve) => {
      const stop = (s) => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve(s);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    await relay.close();
    io.out(`alert-relay: stopped (${signal})`);
    return EXIT.ok;
  }
});
export {
  alertRelayCommand
};
