// Static files on a slow network (issue 25 part 5): the precompressed copy `make web-vendor`
// writes is sent to a browser that takes gzip (byte for byte the file once unpacked), the file
// itself to one that does not; an ETag turns a repeat load into a 304 without a body; Sign in
// shows progress at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { WEB, start, finish, newPage, ready, password } from './helpers.mjs';

let env, s;
before(async () => { env = await start(); s = env.s; });
after(async () => { await finish(env); });

// A raw GET (no automatic decompression): {status, headers, body: Buffer}.
function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    request(new URL(path, s.url), { headers }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
    }).on('error', reject).end();
  });
}

test('the map library goes gzip-compressed to a browser that takes it, and whole to one that does not', async () => {
  const file = readFileSync(join(WEB, 'vendor/maplibre-gl.mjs'));
  const z = await get('/vendor/maplibre-gl.mjs', { 'Accept-Encoding': 'gzip, deflate, br' });
  assert.equal(z.status, 200);
  assert.equal(z.headers['content-encoding'], 'gzip');
  assert.match(z.headers['content-type'], /^text\/javascript/);
  assert.equal(z.headers.vary, 'Accept-Encoding');
  assert.ok(z.body.length < file.length / 3, `${z.body.length} bytes sent for ${file.length}`);
  assert.ok(gunzipSync(z.body).equals(file), 'unpacked, it is the file');
  const plain = await get('/vendor/maplibre-gl.mjs');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.body.equals(file));
  const refused = await get('/vendor/maplibre-gl.mjs', { 'Accept-Encoding': 'gzip;q=0, identity' });
  assert.equal(refused.headers['content-encoding'], undefined, 'q=0 refuses gzip');
  assert.notEqual(z.headers.etag, plain.headers.etag, 'each encoding has its own ETag');
});

test('a repeat load with the ETag is a 304 without a body; the page itself is revalidated every time', async () => {
  const first = await get('/vendor/chart.umd.min.js', { 'Accept-Encoding': 'gzip' });
  assert.match(first.headers.etag, /^"[0-9a-f]+-[0-9a-f]+-gzip"$/);
  assert.match(first.headers['cache-control'], /max-age=3600/);
  const again = await get('/vendor/chart.umd.min.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': first.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, first.headers.etag);
  const stale = await get('/vendor/chart.umd.min.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': '"0-0"' });
  assert.equal(stale.status, 200);
  const html = await get('/');
  assert.equal(html.headers['cache-control'], 'no-cache');
  assert.ok(html.headers.etag);
  assert.equal((await get('/', { 'If-None-Match': html.headers.etag })).status, 304);
});

test('Sign in shows progress at once, while the network is still answering', async () => {
  const page = await newPage(env.browser, s);
  await page.goto('/#/login');
  await ready(page);
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/api/v1/login', async (route) => { await held; await route.continue(); });
  await page.fill('form.login input[name=username]', 'viewer');
  await page.fill('form.login input[name=password]', password('viewer'));
  await page.locator('form.login button[type=submit]').click();
  await page.locator('#login-busy').waitFor({ state: 'visible', timeout: 1000 });
  assert.equal(await page.locator('form.login button[type=submit]').isDisabled(), true, 'no second click');
  assert.equal(await page.locator('#main').getAttribute('aria-busy'), 'true');
  release();
  await page.waitForSelector('#signout');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
