// slow_clients.test.mjs: idle and slow (slowloris) connections must not stop others being served
// (issue 13). 1,500 connections from 50 addresses are opened and held: half say nothing, half
// send a request's headers a line at a time and never finish them (more than the 1,000 of the
// issue, and more than a default soft limit of 1,024 open files). Meanwhile an ordinary client must still get
// its answers, and one address cannot take all the server's connections (--max-per-ip).
// The bound on the answer (15 s) is generous: it proves the server is not blocked, not its speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { startServer, api } from './helpers.mjs';

const BOUND_MS = 15_000;

// Opens n connections from the local address `from` (127.0.0.x: every one reaches the server on
// 127.0.0.1 through the loopback device); slow ones dribble header lines every second.
// Resolves once each is connected or has failed; returns {socks, open(), stop()}.
function hold(url, n, from, { slow }) {
  const u = new URL(url);
  const socks = [];
  const ticks = [];
  const settled = [];
  for (let i = 0; i < n; i++) {
    const s = net.connect({ host: u.hostname, port: Number(u.port), localAddress: from });
    s.closedByServer = false;
    s.on('error', () => { s.closedByServer = true; });
    s.on('close', () => { s.closedByServer = true; });
    s.on('data', () => {});
    settled.push(new Promise((res) => { s.once('connect', res); s.once('error', res); s.once('close', res); }));
    if (slow) {
      s.once('connect', () => {
        s.write(`GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\n`);
        let k = 0;
        ticks.push(setInterval(() => { if (!s.destroyed) s.write(`X-Slow-${k++}: a\r\n`); }, 1000));
      });
    }
    socks.push(s);
  }
  return Promise.all(settled).then(() => ({
    socks,
    open: () => socks.filter((s) => !s.closedByServer && !s.destroyed).length,
    stop: () => { ticks.forEach(clearInterval); socks.forEach((s) => s.destroy()); },
  }));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One request on a new connection of its own (fetch would reuse a connection the server
// accepted before the flood), with a bearer token; resolves to {status, json}.
function freshGet(s, path, role) {
  const u = new URL(s.url);
  return new Promise((res, rej) => {
    const q = http.request({
      host: u.hostname, port: u.port, path, agent: false, timeout: BOUND_MS,
      headers: { Connection: 'close', ...(role ? { Authorization: `Bearer ${s.tokens[role]}` } : {}) },
    }, (r) => {
      let body = '';
      r.on('data', (d) => { body += d; });
      r.on('end', () => res({ status: r.statusCode, json: body ? JSON.parse(body) : null }));
    });
    q.on('timeout', () => q.destroy(new Error(`no answer to ${path} within ${BOUND_MS} ms`)));
    q.on('error', rej);
    q.end();
  });
}

async function answeredPromptly(s) {
  const t0 = Date.now();
  assert.equal((await freshGet(s, '/healthz')).status, 200);
  const list = await freshGet(s, '/api/v1/hazard?limit=5', 'viewer');
  assert.equal(list.status, 200);
  assert.ok(list.json.items.length > 0);
  const ms = Date.now() - t0;
  assert.ok(ms < BOUND_MS, `answered in ${ms} ms`);
  return ms;
}

test('1,500 idle and slow connections from 50 addresses do not stop others being served', async () => {
  const s = await startServer();
  const held = [];
  try {
    for (let a = 0; a < 50; a++) {
      held.push(await hold(s.url, 30, `127.0.0.${a + 2}`, { slow: a % 2 === 1 }));
    }
    await sleep(2500); // the slow ones have sent a few more lines by now
    const open = held.reduce((n, h) => n + h.open(), 0);
    assert.equal(open, 1500, 'every connection is held (under the limits, nothing is refused)');
    await answeredPromptly(s);
    // and still, a few more times, while the slow ones keep dribbling
    for (let i = 0; i < 3; i++) { await sleep(500); await answeredPromptly(s); }
  } finally {
    held.forEach((h) => h.stop());
    await s.stop();
  }
});

test('one address cannot take every connection: beyond --max-per-ip it is refused, others served', async () => {
  const s = await startServer({ serveArgs: ['--max-per-ip', '32'] });
  let h;
  try {
    h = await hold(s.url, 2000, '127.0.0.2', { slow: true });
    await sleep(1000);
    assert.equal(h.open(), 32, 'only --max-per-ip connections of one address are kept');
    await answeredPromptly(s);
  } finally {
    h?.stop();
    await s.stop();
  }
});
