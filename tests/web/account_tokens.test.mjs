// account_tokens.test.mjs: users make, see and revoke their own API tokens on the Account page;
// the read-only token it shows works as QGIS sends it (HTTP Basic, the token as the password).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, finish, newPage, signIn, shot } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

const basic = (token) => ({ Authorization: `Basic ${Buffer.from(`qgis:${token}`).toString('base64')}` });

test('a user makes a named read-only token for QGIS, uses it with Basic, and revokes it', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'operator');
  await page.locator('a.who').click();
  await page.getByRole('heading', { name: /API tokens/ }).waitFor();
  // the tests' own login made one token (no name) before
  const rows = page.locator('table.tokens tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), /\(no name\)/);
  await page.getByLabel('Name').fill('QGIS on the field laptop');
  await page.getByLabel('Valid for (days)').fill('14');
  assert.equal(await page.getByLabel('Read-only (for GIS clients)').isChecked(), true);
  await page.getByRole('button', { name: 'Make a token' }).click();
  const secretBox = page.getByLabel('The new token');
  await secretBox.waitFor();
  const secret = await secretBox.inputValue();
  assert.match(secret, /^[0-9a-f]{64}$/);
  await page.locator('table.tokens tbody tr:nth-child(2)').waitFor();
  assert.match(await page.locator('table.tokens tbody tr', { hasText: 'QGIS on the field laptop' }).textContent(), /read-only/);
  await shot(page, 'account-tokens');

  const r = await fetch(`${env.s.url}/ogc/collections/hazard/items`, { headers: basic(secret) });
  assert.equal(r.status, 200);
  const w = await fetch(`${env.s.url}/api/v1/hazard`, { method: 'POST', headers: { ...basic(secret), 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(w.status, 403, 'read-only');
  const days = (Date.parse((await (await fetch(`${env.s.url}/api/v1/tokens`, { headers: basic(secret) })).json()).items.find((x) => x.current).expires_at) - Date.now()) / 86400e3;
  assert.ok(days > 13.9 && days <= 14);

  await page.getByRole('button', { name: /Revoke QGIS on the field laptop/ }).click();
  await page.getByText('The token was revoked.').waitFor();
  await page.locator('table.tokens tbody tr', { hasText: 'QGIS on the field laptop' }).waitFor({ state: 'detached' });
  assert.equal(await rows.count(), 1);
  assert.equal((await fetch(`${env.s.url}/ogc/collections/hazard/items`, { headers: basic(secret) })).status, 401);
  assert.deepEqual(page.errors, []);
});
