// A Canon webhook receiver: it verifies every request with the Standard Webhooks library, answers at once, and does
// the work afterwards, once per webhook-id.
//
//   npm ci
//   CANON_WEBHOOK_SECRET=whsec_... PORT=8080 node receiver.js
"use strict";

const http = require("node:http");
const { Webhook } = require("standardwebhooks");

const MAX_BODY_BYTES = 1_000_000; // Canon's payloads stay well under 20 kB

const webhook = new Webhook(process.env.CANON_WEBHOOK_SECRET);
// Canon delivers at least once. Keep the ids for a few days in real use: a unique key in your database.
const handledIds = new Set();

function log(fields) {
  process.stdout.write(JSON.stringify(fields) + "\n");
}

// Your work goes here. It runs after Canon has its answer, so it may take as long as it needs.
function handle(webhookId, event) {
  log({ outcome: "handled", webhook_id: webhookId, type: event.type, data: event.data });
}

function receive(request, response, body) {
  let event;
  try {
    event = webhook.verify(body, request.headers);
  } catch (error) {
    log({ outcome: "rejected", reason: error.message });
    response.writeHead(401).end();
    return;
  }
  const webhookId = request.headers["webhook-id"];
  if (handledIds.has(webhookId)) {
    log({ outcome: "duplicate", webhook_id: webhookId });
  } else {
    handledIds.add(webhookId);
    setImmediate(handle, webhookId, event);
  }
  response.writeHead(204).end();
}

const server = http.createServer((request, response) => {
  if (request.method !== "POST") {
    response.writeHead(405).end();
    return;
  }
  const chunks = [];
  let size = 0;
  request.on("data", (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) {
      chunks.push(chunk);
    }
  });
  request.on("end", () => {
    if (size > MAX_BODY_BYTES) {
      response.writeHead(413).end();
      return;
    }
    // The raw bytes: JSON parsed and serialised again would not verify.
    receive(request, response, Buffer.concat(chunks));
  });
});

const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || 8080);
server.listen(port, host, () => console.error(`listening on http://${host}:${port}`));
