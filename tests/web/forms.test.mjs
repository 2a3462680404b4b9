// forms.test.mjs: the Forms page (the forms, their XForm files, a QR code that sets up ODK
// Collect), a form filled in the browser with ODK's engine and sent, the same with the network
// cut (kept by the service worker, sent once when the network returns), and what the IM officer
// sees: a field submission's photos and the hazard it touches, rejected field forms with reasons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { start, finish, newPage, signIn, shot } from './helpers.mjs';
import { api, password } from './server.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

const basic = (role) => 'Basic ' + Buffer.from(`${role}:${password(role)}`).toString('base64');

async function versionOf(form) {
  const r = await fetch(`${env.s.url}/formList`, { headers: { Authorization: basic('operator') } });
  return (await r.text()).match(new RegExp(`<formID>${form}</formID>.*?<version>([^<]*)</version>`))[1];
}

async function records(type, externalId) {
  const all = (await api(env.s, 'operator', 'GET', `/api/v1/${type}?limit=1000`)).json.items;
  return all.filter((r) => r.external_id === externalId);
}

test('the Forms page lists the forms and makes a QR code with Collect\'s settings', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'operator');
  await page.locator('#nav a[data-route="forms"]').click();
  await page.locator('#forms tbody tr').first().waitFor();
  assert.equal(await page.locator('#forms tbody tr').count(), 6);
  const href = await page.locator('#forms tr[data-form="demine_nts"] a[download]').getAttribute('href');
  const xml = await page.evaluate(async (u) => (await fetch(u)).text(), href);
  assert.match(xml, /<data id="demine_nts" version="[0-9a-f]{16}">/);
  await page.locator('#device-name').fill('Tablet 7');
  await page.locator('#make-qr').click();
  await page.locator('#device-qr svg path').waitFor();
  const url = await page.locator('#device-url').textContent();
  assert.match(url, /\/key\/[0-9a-f]{64}$/);
  // the code holds what the API says; the key in it works for ODK Collect
  const list = await fetch(`${url}/formList`);
  assert.equal(list.status, 200);
  await shot(page, 'forms-page');
  assert.deepEqual(page.errors, []);
  const d = await api(env.s, 'operator', 'POST', '/api/v1/forms/devices', { body: { device: 'x' } });
  assert.equal(JSON.parse(inflateSync(Buffer.from(d.json.qr_text, 'base64'))).general.server_url, d.json.server_url);
});

async function fillEore(page, settlement) {
  await page.goto('/#/fill/demine_eore');
  await page.locator('#fill textarea[name="location"]').waitFor();
  await page.locator('#fill textarea[name="location"]').fill('40.1391648 46.8582301');
  await page.locator('#fill textarea[name="location"]').blur();
  await page.locator('#fill input[name="session_date"]').fill('2026-11-21');
  await page.locator('#fill input[name="session_date"]').blur();
  await page.locator('#fill select[name="method"]').selectOption('interpersonal');
  await page.locator('#fill input[name="girls"]').fill('14');
  await page.locator('#fill input[name="girls"]').blur();
  await page.locator('#fill input[name="settlement"]').fill(settlement);
  await page.locator('#fill input[name="settlement"]').blur();
}

test('a form filled in the browser is sent and becomes the record; an incomplete one is refused by the engine', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'operator');
  await page.goto('/#/fill/demine_eore');
  await page.locator('#send-form').click();
  await page.locator('#fill-error li').first().waitFor();
  assert.ok(await page.locator('#fill-error li').count() >= 2, 'the required questions are named');
  await fillEore(page, 'Online village');
  await page.locator('#send-form').click();
  await page.waitForURL(/#\/forms$/);
  const all = (await api(env.s, 'operator', 'GET', '/api/v1/eore_session?limit=1000')).json.items;
  const rec = all.find((r) => r.settlement === 'Online village');
  assert.ok(rec, 'the record exists');
  assert.equal(rec.girls, 14);
  assert.equal(rec.method, 'interpersonal');
  assert.equal(rec.status, 'submitted');
  assert.deepEqual(page.errors, []);
});

test('offline: a filled form is kept by the service worker and sent once when the network returns', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'operator');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  await fillEore(page, 'Offline village');
  await page.context().setOffline(true);
  await page.locator('#send-form').click();
  await page.locator('#toast .toast', { hasText: /kept|network/i }).waitFor();
  const count = () => page.evaluate(() => new Promise((res) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (ev) => res(ev.data.count);
    navigator.serviceWorker.controller.postMessage({ type: 'count' }, [ch.port2]);
  }));
  assert.equal(await count(), 1);
  const find = async () => (await api(env.s, 'operator', 'GET', '/api/v1/eore_session?limit=1000')).json.items.filter((r) => r.settlement === 'Offline village');
  assert.equal((await find()).length, 0, 'nothing sent while offline');
  await page.context().setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.locator('#toast .toast', { hasText: /received/ }).waitFor({ timeout: 15000 });
  assert.equal(await count(), 0);
  // another 'online' sends nothing again
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.waitForTimeout(500);
  const got = await find();
  assert.equal(got.length, 1, 'sent once');
  assert.equal(got[0].girls, 14);
  assert.deepEqual(page.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(e)), []);
});

test('the IM officer reviews a field submission with its photo beside its hazard; rejected forms are listed with the reason', async () => {
  const v = await versionOf('demine_eo');
  const jpeg = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64');
  const fd = new FormData();
  fd.append('xml_submission_file', new Blob([`<data id="demine_eo" version="${v}"><location>40.1391648 46.8582301 0 5</location>`
    + `<hazard>${env.s.hazard.code}</hazard><category>at_mine</category><quantity>1</quantity><photo><image>find.jpg</image></photo>`
    + '<meta><instanceID>uuid:web-photo</instanceID></meta></data>']), 'submission.xml');
  fd.append('find.jpg', new Blob([jpeg], { type: 'image/jpeg' }), 'find.jpg');
  const r = await fetch(`${env.s.url}/submission`, { method: 'POST', headers: { Authorization: basic('operator') }, body: fd });
  assert.equal(r.status, 201, await r.clone().text());
  const bad = new FormData();
  bad.append('xml_submission_file', new Blob([`<data id="demine_eo" version="${v}"><location>48.8566 2.3522 0 4</location>`
    + '<category>uxo</category><quantity>1</quantity><meta><instanceID>uuid:web-paris</instanceID></meta></data>']), 'submission.xml');
  assert.equal((await fetch(`${env.s.url}/submission`, { method: 'POST', headers: { Authorization: basic('operator') }, body: bad })).status, 422);
  const [rec] = await records('eo_find', 'uuid:web-photo');
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'im_officer');
  await page.goto('/#/inbox');
  await page.locator('#inbox a', { hasText: rec.code }).waitFor();
  await page.locator('#field-rejected tr[data-instance="uuid:web-paris"] .reason').waitFor();
  assert.match(await page.locator('#field-rejected tr[data-instance="uuid:web-paris"] .reason').textContent(), /outside/);
  await page.locator('#inbox a', { hasText: rec.code }).click();
  await page.locator('#photos img').waitFor();
  await page.waitForFunction(() => document.querySelector('#photos img').naturalWidth > 0);
  assert.match(await page.locator('.legend-inline').textContent(), new RegExp(env.s.hazard.code));
  await shot(page, 'review-field-submission');
  assert.deepEqual(page.errors, []);
});
