// The sandbox console: reads the history as server-sent events and acts
// through the control endpoints. Everything shown is set with textContent,
// never parsed as HTML: bodies and ids come from clients.
"use strict";

const SCENARIOS = ["approved", "auditor_rejected", "agent_rejected", "user_dropped_off",
  "link_expired", "proxy_detected", "scheduled"];

const rows = new Map();      // "family/id" -> verification row
const entries = [];          // every history entry received, oldest first
let selected = null;         // "family/id" shown in the timeline
let feed = null;

const $ = (id) => document.getElementById(id);
const keyOf = (family, id) => `${family}/${id}`;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function time(ms) {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

function outcome(row) {
  if (!row.is_final) return "pending";
  if (row.sub_status.includes("APPROVED")) return "approved";
  if (row.sub_status.includes("REJECTED")) return "rejected";
  return "not completed";
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { "content-type": "application/json", "x-sandbox-via": "console" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch (_) { /* not JSON */ }
  if (!response.ok) {
    const message = json && json.message ? json.message : text;
    throw new Error(`${response.status}: ${message}`);
  }
  return json;
}

function say(id, text, failed) {
  const node = $(id);
  node.textContent = text;
  node.classList.toggle("failed", Boolean(failed));
}

// ---- verifications ----------------------------------------------------

function upsert(row) {
  const key = keyOf(row.family, row.verification_id);
  rows.set(key, Object.assign(rows.get(key) || {}, row));
}

function renderRows() {
  const family = $("filter-family").value;
  const wanted = $("filter-outcome").value;
  const text = $("filter-text").value.trim().toLowerCase();
  const body = $("verifications").tBodies[0];
  body.replaceChildren();
  const sorted = [...rows.values()].sort((a, b) => (b.reference_id || 0) - (a.reference_id || 0)
    || (b.seen || 0) - (a.seen || 0));
  for (const row of sorted) {
    const result = outcome(row);
    const haystack = [row.verification_id, row.user, row.status, row.sub_status].join(" ").toLowerCase();
    if ((family && row.family !== family) || (wanted && result !== wanted)
        || (text && !haystack.includes(text))) continue;
    const key = keyOf(row.family, row.verification_id);
    const tr = el("tr", { "data-key": key, class: key === selected ? "selected" : null },
      el("td", {}, row.verification_id), el("td", {}, row.family), el("td", {}, row.user || ""),
      el("td", {}, row.status), el("td", { class: "sub-status" }, row.sub_status),
      el("td", { class: `outcome ${result.replace(" ", "-")}` }, result), el("td", {}, row.scenario));
    tr.addEventListener("click", () => select(key));
    body.append(tr);
  }
}

// ---- timeline ---------------------------------------------------------

function showTitle() {
  const row = rows.get(selected);
  $("timeline-title").textContent = row
    ? `${row.verification_id} (${row.family}) · ${row.status} / ${row.sub_status}`
    : selected;
}

function select(key) {
  selected = key;
  showTitle();
  $("timeline-controls").hidden = false;
  renderRows();
  renderTimeline();
}

function about(entry) {
  return entry.family && entry.verification_id
    && keyOf(entry.family, entry.verification_id) === selected;
}

function renderTimeline() {
  const list = $("timeline-entries");
  list.replaceChildren();
  for (const entry of entries.filter(about)) list.append(timelineItem(entry));
}

function timelineItem(e) {
  const when = el("time", {}, time(e.at));
  switch (e.kind) {
    case "transition":
      return el("li", { class: "transition", "data-seq": e.seq }, when, " ",
        el("strong", {}, `${e.status} / ${e.sub_status}`), ` · by ${e.cause.replace("_", " ")}`,
        ` · scenario ${e.scenario}`);
    case "request":
      return el("li", { class: "request", "data-seq": e.seq }, when, " ",
        `${e.method} ${e.path} → `, el("strong", {}, e.status), ` · x-request-id ${e.request_id}`);
    case "delivery":
      return deliveryItem(e, when);
    case "token":
      return el("li", { class: "token", "data-seq": e.seq }, when,
        ` SDK token issued for app ${e.app_id}, expires ${e.expires_at || "?"}`);
    default:
      return el("li", {}, when, ` ${e.kind}`);
  }
}

function deliveryItem(e, when) {
  const ok = e.receiver_status !== null && e.receiver_status >= 200 && e.receiver_status < 300;
  const answered = e.receiver_status === null ? "no answer" : `receiver ${e.receiver_status}`;
  const summary = el("summary", {}, when, " ",
    el("strong", {}, `delivery #${e.delivery_id}`), ` attempt ${e.attempt} · ${e.event_type} · `,
    el("span", { class: ok ? "ok" : "failed" }, answered), ` · ${e.elapsed_ms} ms`,
    e.redelivery_of ? ` · redelivery of #${e.redelivery_of}` : "");
  const headers = el("table", { class: "headers" },
    ...e.headers.map(([name, value]) => el("tr", {}, el("th", {}, name), el("td", {}, value))));
  const redeliver = el("button", { type: "button", class: "redeliver", "data-delivery": e.delivery_id },
    `Redeliver #${e.delivery_id}`);
  redeliver.addEventListener("click", async () => {
    try {
      const done = await call("POST", `/__sandbox/deliveries/${e.delivery_id}/redeliver`);
      say("control-result", `redelivering as #${done.delivery_id}`);
    } catch (err) { say("control-result", err.message, true); }
  });
  return el("li", { class: `delivery ${ok ? "ok" : "failed"}`, "data-seq": e.seq,
    "data-delivery": e.delivery_id },
  el("details", {}, summary,
    el("dl", {},
      el("dt", {}, "sent in order"), el("dd", {}, `#${e.delivery_id}`),
      el("dt", {}, "event_time"), el("dd", { class: "event-time" }, e.event_time),
      el("dt", {}, "url"), el("dd", {}, e.url),
      el("dt", {}, "signature scheme"), el("dd", { class: "scheme" }, e.scheme),
      el("dt", {}, "receiver answered"), el("dd", { class: "answer" },
        e.receiver_status === null ? "—" : `${e.receiver_status} ${e.answer || ""}`),
      e.error ? el("dt", {}, "error") : null, e.error ? el("dd", { class: "error" }, e.error) : null,
      e.hint ? el("dt", {}, "hint") : null, e.hint ? el("dd", { class: "hint" }, e.hint) : null),
    el("h4", {}, "headers"), headers,
    el("h4", {}, "body"), el("pre", {}, e.body),
    redeliver));
}

// ---- users and tokens ---------------------------------------------------

function userItem(e) {
  if (e.kind === "user") {
    return el("li", { class: "user" }, `${time(e.at)} user ${e.user_id} ${e.action}`,
      e.user_reference_id !== null ? ` · user_reference_id ${e.user_reference_id}` : "",
      e.name ? ` · ${e.name}` : "");
  }
  return el("li", { class: "token" },
    `${time(e.at)} SDK token for ${e.verification_id} (app ${e.app_id}), expires ${e.expires_at || "?"}`);
}

// ---- the feed -----------------------------------------------------------

function receive(e) {
  entries.push(e);
  if (e.kind === "transition") {
    upsert({ family: e.family, verification_id: e.verification_id, user: e.user, status: e.status,
      sub_status: e.sub_status, is_final: e.is_final, scenario: e.scenario, seen: e.seq });
    renderRows();
    if (about(e)) showTitle();
  } else if (e.kind === "user" || e.kind === "token") {
    $("users").prepend(userItem(e));
  }
  // Appended, not redrawn: a delivery opened by the reader stays open.
  if (about(e)) $("timeline-entries").append(timelineItem(e));
}

function connect() {
  if (feed) feed.close();
  entries.length = 0;
  $("users").replaceChildren();
  feed = new EventSource("/__sandbox/console/events?after=0");
  feed.addEventListener("open", () => { $("feed").textContent = "live"; });
  feed.addEventListener("error", () => { $("feed").textContent = "reconnecting…"; });
  feed.addEventListener("meta", (m) => showHistory(JSON.parse(m.data)));
  feed.addEventListener("reload", () => { connect(); });
  feed.addEventListener("message", (m) => receive(JSON.parse(m.data)));
}

function showHistory(history) {
  $("history-note").textContent = history.dropped > 0
    ? `the last ${history.limit} entries; ${history.dropped} older ones were dropped`
    : `everything so far (keeps the last ${history.limit})`;
}

async function refreshInfo() {
  try {
    const info = await call("GET", "/__sandbox/console/info");
    $("credentials").textContent = info.credentials === "any"
      ? "any non-empty client id and secret"
      : `client id ${info.credentials.only_client_id} only (secret not shown)`;
    $("webhook-targets").textContent = info.webhook_urls.length
      ? info.webhook_urls.join(", ") + (info.duplicate_webhooks ? " (every event twice)" : "")
      : "none (start with --webhook-url)";
    showHistory(info.history);
    $("faults").replaceChildren(...info.faults.map((f) => el("li", { class: "fault" },
      `${f.fault}${f.operation ? ` on ${f.operation}` : " on any operation"}, next ${f.count}`
      + (f.ms !== undefined ? `, ${f.ms} ms` : ""))));
  } catch (err) {
    $("feed").textContent = `cannot reach the sandbox: ${err.message}`;
  }
}

async function loadRows() {
  const list = await call("GET", "/__sandbox/verifications");
  for (const row of list.verifications) upsert(row);
  renderRows();
}

// ---- controls -----------------------------------------------------------

function selectedPath(action) {
  const row = rows.get(selected);
  return `/__sandbox/${row.family}/verifications/${encodeURIComponent(row.verification_id)}/${action}`;
}

function wire() {
  $("base-url").textContent = window.location.origin;
  for (const select of document.querySelectorAll("select.scenarios")) {
    select.replaceChildren(...SCENARIOS.map((s) => el("option", { value: s }, s)));
  }
  $("initiate-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const created = await call("POST", "/__sandbox/console/initiate", Object.fromEntries(form));
      say("initiate-result", `created ${created.verification_id}: ${created.sub_status}`);
      select(keyOf(form.get("family"), created.verification_id));
    } catch (err) { say("initiate-result", err.message, true); }
  });
  for (const [button, action] of [["advance", "advance"], ["run-to-end", "run-to-end"]]) {
    $(button).addEventListener("click", async () => {
      try {
        const step = await call("POST", selectedPath(action));
        say("control-result", `now ${step.sub_status}`);
      } catch (err) { say("control-result", err.message, true); }
    });
  }
  $("choose-scenario").addEventListener("click", async () => {
    try {
      const chosen = await call("POST", selectedPath("scenario"), { scenario: $("timeline-scenario").value });
      say("control-result", `scenario ${chosen.scenario}`);
      await loadRows();
      select(selected);
    } catch (err) { say("control-result", err.message, true); }
  });
  $("fault-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const fault = { fault: form.get("fault"), count: Number(form.get("count")) };
    if (form.get("operation")) fault.operation = form.get("operation");
    if (fault.fault === "delay") fault.ms = Number(form.get("ms"));
    if (fault.fault === "rate_limited") fault.retry_after_ms = Number(form.get("ms"));
    try {
      await call("POST", "/__sandbox/faults", fault);
      say("fault-result", `injected ${fault.fault} for the next ${fault.count}`);
    } catch (err) { say("fault-result", err.message, true); }
    refreshInfo();
  });
  $("clear-faults").addEventListener("click", async () => {
    try {
      const cleared = await call("DELETE", "/__sandbox/faults");
      say("fault-result", `cleared ${cleared.cleared}`);
    } catch (err) { say("fault-result", err.message, true); }
    refreshInfo();
  });
  for (const id of ["filter-family", "filter-outcome", "filter-text"]) {
    $(id).addEventListener("input", renderRows);
  }
}

wire();
loadRows().catch((err) => say("initiate-result", err.message, true));
refreshInfo();
setInterval(refreshInfo, 3000);
connect();
