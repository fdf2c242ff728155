// Cashfree's own Node SDK (npm `cashfree-verification`, the only official
// SDK with Video KYC) against the local sandbox: every Video KYC call it
// has, the errors it meets, and the webhooks of a verification run to its
// end, whose signatures are checked here with Node's crypto as Cashfree's
// pages describe them. A client written by others, so the sandbox is not
// checked only by this project's own reading of the pages.
//
//   node tests/node-sdk/check.js path/to/cashfree-vkyc-sandbox

"use strict";
const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const crypto = require("node:crypto");
const http = require("node:http");
const readline = require("node:readline");
const axios = require("axios");
const { Cashfree, CFEnvironment } = require("cashfree-verification");

const CLIENT_ID = "node-sdk-client";
const SECRET = "node-sdk-secret";

// Webhooks, as received: headers and the raw body.
const received = [];
const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(200).end();
  });
});

function listen(server) {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}

async function startSandbox(binary, hookPort) {
  const args = ["--port", "0", "--webhook-url", `http://127.0.0.1:${hookPort}/hook`];
  const child = spawn(binary, [...args, "--client-id", CLIENT_ID, "--client-secret", SECRET], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const base = await new Promise((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the sandbox exited (${code})`)));
  });
  return { child, base: base.trim() };
}

// The SDK always calls https://sandbox.cashfree.com; send it here instead.
function redirect(base) {
  axios.interceptors.request.use((config) => {
    config.url = config.url.replace("https://sandbox.cashfree.com", base);
    return config;
  });
}

// The answer of a call expected to fail: its status and body.
async function refused(call) {
  try {
    const r = await call();
    assert.fail(`expected an error, got ${r.status} ${JSON.stringify(r.data)}`);
  } catch (e) {
    if (!e.response) throw e;
    return { status: e.response.status, body: e.response.data };
  }
}

async function waitFor(what, test) {
  for (let i = 0; i < 200; i++) {
    if (test()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function main() {
  const binary = process.argv[2];
  assert.ok(binary, "usage: node check.js path/to/cashfree-vkyc-sandbox");
  const hookPort = await listen(receiver);
  const { child, base } = await startSandbox(binary, hookPort);
  try {
    redirect(base);
    Cashfree.XClientId = CLIENT_ID;
    Cashfree.XClientSecret = SECRET;
    Cashfree.XEnvironment = CFEnvironment.SANDBOX;
    Cashfree.XEnableErrorAnalytics = false;
    // The SDK sends its global version (2023-12-18), whatever a call is given.
    const v = "2024-12-01";

    // Users.
    const created = await Cashfree.VrsCreateUser(v, {
      phone: "9876543210",
      user_id: "node_user_1",
      name: "Rahul Sharma",
      email: "rahul@example.com",
      address: "1 MG Road, Bengaluru",
    });
    assert.equal(created.status, 200);
    assert.equal(created.data.user_id, "node_user_1");
    assert.equal(created.data.phone, "9876543210");
    const ref = created.data.user_reference_id;
    assert.equal(typeof ref, "number");
    for (const got of [
      await Cashfree.VrsGetUser(v, undefined, String(ref)),
      await Cashfree.VrsGetUser(v, undefined, undefined, "node_user_1"),
    ]) {
      assert.deepEqual(got.data, created.data);
    }
    const updated = await Cashfree.VrsUpdateUser(v, { user_reference_id: ref, name: "Rahul K Sharma" });
    assert.equal(updated.data.name, "Rahul K Sharma");
    assert.equal(updated.data.phone, "9876543210");
    assert.equal(updated.data.email, "rahul@example.com");
    const dup = await refused(() => Cashfree.VrsCreateUser(v, { phone: "9876543210", user_id: "node_user_1" }));
    assert.equal(dup.status, 409);
    assert.equal(dup.body.code, "user_id_already_exists");
    const nobody = await refused(() => Cashfree.VrsGetUser(v, undefined, undefined, "nobody"));
    assert.equal(nobody.status, 404);

    // Initiate, by either name of the user, and status.
    const templates = { user_template: "vkyc_user_template_v1", agent_template: "vkyc_agent_template_v1" };
    const initiated = await Cashfree.VrsInitiateVKYC(v, {
      verification_id: "node_ver_1",
      user_reference_id: ref,
      notification_types: ["sms"],
      ...templates,
    });
    assert.equal(initiated.data.verification_id, "node_ver_1");
    assert.equal(initiated.data.status, "RECEIVED");
    assert.equal(initiated.data.sub_status, "LINK_GENERATED");
    assert.equal(typeof initiated.data.reference_id, "number");
    assert.match(initiated.data.vkyc_link, /^https:\/\//);
    const byId = await Cashfree.VrsInitiateVKYC(v, {
      verification_id: "node_ver_2",
      user_id: "node_user_1",
      notification_types: ["whatsapp"],
      ...templates,
    });
    assert.equal(byId.data.verification_id, "node_ver_2");
    const again = await refused(() =>
      Cashfree.VrsInitiateVKYC(v, { verification_id: "node_ver_1", user_reference_id: ref, ...templates }),
    );
    assert.equal(again.status, 409);
    assert.equal(again.body.code, "verification_id_already_exists");
    for (const status of [
      await Cashfree.VrsVkycGetStatus(v, undefined, "node_ver_1"),
      await Cashfree.VrsVkycGetStatus(v, undefined, undefined, String(initiated.data.reference_id)),
    ]) {
      assert.equal(status.data.verification_id, "node_ver_1");
      assert.equal(status.data.reference_id, initiated.data.reference_id);
    }
    const missing = await refused(() => Cashfree.VrsVkycGetStatus(v, undefined, "nope_1"));
    assert.equal(missing.status, 404);

    // The SDK token.
    const token = await Cashfree.VrsVkycGenerateAuthToken(v, {
      app_id: "node_app",
      product: "VKYC",
      metadata: { vkyc_request_id: "node_ver_1" },
      authenticated_user: { identifier_type: "userId", identifier_value: "node_user_1" },
    });
    assert.equal(token.data.access_token.split(".").length, 3);
    assert.match(token.data.expiry ?? token.data.expires_at, / IST$/);

    // Wrong credentials.
    Cashfree.XClientSecret = "not-the-secret";
    const unauthorized = await refused(() => Cashfree.VrsVkycGetStatus(v, undefined, "node_ver_1"));
    assert.equal(unauthorized.status, 401);
    Cashfree.XClientSecret = SECRET;

    // To the end: the status the SDK reads is the last webhook's.
    await axios.post(`${base}/__sandbox/verification_suite/verifications/node_ver_1/run-to-end`);
    const final = await Cashfree.VrsVkycGetStatus(v, undefined, "node_ver_1");
    const mine = () =>
      received.filter((w) => JSON.parse(w.body).data?.verification_id === "node_ver_1");
    await waitFor("the last webhook", () =>
      mine().some((w) => JSON.parse(w.body).data.sub_status === final.data.sub_status),
    );
    assert.notEqual(final.data.status, "RECEIVED");
    for (const w of mine()) {
      const timestamp = w.headers["x-webhook-timestamp"];
      const expected = crypto
        .createHmac("sha256", SECRET)
        .update(timestamp + w.body.toString("utf8"))
        .digest("base64");
      assert.equal(w.headers["x-webhook-signature"], expected, "a webhook's signature");
      const payload = JSON.parse(w.body);
      assert.match(payload.event_type, /^VKYC_/);
      assert.equal(payload.data.reference_id, initiated.data.reference_id);
    }
    console.log(
      `Cashfree's Node SDK against the sandbox: users, initiate, status, token and errors as documented; ` +
        `${mine().length} webhooks for node_ver_1, each signature checked; final status ${final.data.status}/${final.data.sub_status}`,
    );
  } finally {
    child.kill();
    receiver.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
