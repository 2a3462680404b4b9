// Laptop and tablet layouts: no page scrolls sideways, every form control has a label, and the
// pages can be used from the keyboard (the skip link, the navigation).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, finish, newPage, signIn, shot, ready, mapIdle } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

const PAGES = ['map', 'records/hazard', 'record/hazard/HAZ-AGD-00002', 'new/hazard', 'inbox', 'review/hazard/HAZ-FZL-00007', 'account', 'users'];

for (const [name, viewport] of [['laptop', { width: 1366, height: 768 }], ['tablet', { width: 820, height: 1180 }]]) {
  test(`${name}: no sideways scrolling and every control labelled`, async () => {
    const page = await newPage(env.browser, env.s, { viewport });
    await signIn(page, 'admin');
    for (const p of PAGES) {
      await page.goto(`/#/${p}`);
      await ready(page);
      if (p === 'map') await mapIdle(page);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(wide <= 0, `#/${p} is ${wide}px too wide on a ${name}`);
      const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => el.type !== 'hidden' && !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
        .map((el) => el.outerHTML.slice(0, 80)));
      assert.deepEqual(unlabelled, [], `#/${p} controls without a label`);
      if (p === 'map' || p === 'records/hazard') await shot(page, `${name}-${p.split('/')[0]}`);
    }
    assert.deepEqual(page.errors, []);
  });
}

test('keyboard: the skip link leads to the content and the navigation is reachable by Tab', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'im_officer');
  await page.goto('/#/records/hazard');
  await page.reload();
  await ready(page);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  assert.equal(await page.evaluate(() => location.hash), '#/records/hazard', 'the page stays');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'new-record', 'the first control of the page');
  const seen = [];
  for (let i = 0; i < 10 && seen.at(-1) !== 'Records'; i++) {
    await page.keyboard.press('Shift+Tab');
    seen.push(await page.evaluate(() => document.activeElement.textContent));
  }
  assert.equal(seen.at(-1), 'Records', `backwards through ${seen.join(', ')}`);
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Map');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#/map');
  await ready(page);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Map', 'focus stays on the link');
  await shot(page, 'keyboard');
  assert.deepEqual(page.errors, []);
});

test('every role opens every page it is offered without a console error', async () => {
  for (const role of ['admin', 'im_officer', 'operator', 'va_officer', 'donor', 'viewer']) {
    const page = await newPage(env.browser, env.s);
    await signIn(page, role);
    const offered = await page.locator('#nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href').slice(2)));
    for (const p of [...offered, 'records/victim', 'records/grant', 'record/hazard/HAZ-AGD-00002', 'account']) {
      await page.goto(`/#/${p}`);
      await ready(page);
      if (p === 'map') await mapIdle(page);
      assert.equal(await page.locator('main .notice.error').count(), 0, `${role} #/${p}: ${await page.locator('main .notice.error').allTextContents()}`);
    }
    assert.deepEqual(page.errors, [], role);
    await shot(page, `role-${role}`);
    await page.context().close();
  }
});
