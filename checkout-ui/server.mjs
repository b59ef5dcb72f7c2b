#!/usr/bin/env node
// Serves the built checkout (dist/) on PORT (3001) and forwards /api to API_URL.
//
//   PORT        checkout origin port                          3001
//   HOST        address to listen on                          127.0.0.1 (0.0.0.0 in containers)
//   API_URL     the API (edge or payments-service)            http://127.0.0.1:8000
//   DEMO_PORT   also serve the demo shop on its own origin    unset (off)
//   DEMO_API_KEY, DEMO_API_SECRET   merchant credentials the demo uses, server-side only, to create
//                                   orders; unset: the demo takes an order id made with curl
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isLoopback } from './server/http.mjs';
import { createCheckoutServer, createDemoServer } from './server/servers.mjs';

const dist = fileURLToPath(new URL('./dist/', import.meta.url));
if (!existsSync(`${dist}checkout.html`)) {
  console.error('dist/ is empty: run `npm run build` first.');
  process.exit(1);
}
const env = process.env;
const host = env.HOST || '127.0.0.1';
const port = Number(env.PORT || 3001);
const apiUrl = env.API_URL || 'http://127.0.0.1:8000';
const demo = { key: env.DEMO_API_KEY, secret: env.DEMO_API_SECRET };
// Listening on loopback only, requests must name this machine (server/http.mjs, refuseForeignHost).
const localNamesOnly = isLoopback(host);

createCheckoutServer({ dist, apiUrl, demo, localNamesOnly }).listen(port, host, () => {
  console.log(`checkout on http://${host}:${port}/checkout?order_id=… (API ${apiUrl}); demo on http://${host}:${port}/demo.html`);
});
if (env.DEMO_PORT) {
  const checkoutUrl = env.CHECKOUT_URL || `http://localhost:${port}`;
  createDemoServer({ dist, apiUrl, checkoutUrl, ...demo, localNamesOnly }).listen(Number(env.DEMO_PORT), host, () => {
    console.log(`demo shop on http://${host}:${env.DEMO_PORT}/ (checkout.js from ${checkoutUrl})`);
  });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
