// The server's validation messages in the user's language (issue 25 part 3): on the form, in
// Azerbaijani and Russian, every problem beside its field and in the summary has no English
// sentence; the language chosen on the Account page stays with the user on another browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, finish, newPage, signIn, ready, shot, password } from './helpers.mjs';
import { ROOT } from './server.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

const enErrors = Object.entries(JSON.parse(readFileSync(join(ROOT, 'data/i18n/en.json'), 'utf8')).messages)
  .filter(([k]) => k.startsWith('error.')).map(([, v]) => (typeof v === 'string' ? v : v.other).split('{')[0].trim()).filter((s) => s.length > 6);

for (const lang of ['az', 'ru']) {
  test(`${lang}: a release with a negative depth and missing fields is refused with every message in ${lang}`, async () => {
    const page = await newPage(env.browser, env.s, { lang });
    await page.goto('/#/login');
    await ready(page);
    await page.fill('form.login input[name=username]', 'im_officer');
    await page.fill('form.login input[name=password]', password('im_officer'));
    await page.locator('form.login button[type=submit]').click();
    await page.waitForSelector('#signout');
    await page.goto('/#/new/land_release');
    await ready(page);
    await page.locator('[data-field="clearance_depth_cm"] input').fill('-3');
    await page.locator('#save').click();
    await page.locator('#save-no-geometry').click();
    await page.locator('#form-errors li').first().waitFor();
    const items = await page.locator('#form-errors li').allTextContents();
    assert.ok(items.length >= 2, items.join('\n'));
    const beside = await page.locator('.field.invalid .field-error').allTextContents();
    assert.ok(beside.some((m) => m.startsWith('-3 ')), `the depth's own message: ${beside.join(' | ')}`);
    for (const m of [...items, ...beside]) {
      for (const e of enErrors) assert.ok(!m.includes(e), `English "${e}" in "${m}"`);
      assert.doesNotMatch(m, /\b(required|missing|negative|must|expected|record)\b/, m);
    }
    await shot(page, `${lang}-release-errors`);
    // (the browser logs the refused request itself; nothing else may go wrong)
    assert.deepEqual(page.errors.filter((e) => !/status of 422/.test(e)), []);
    await page.context().close();
  });
}

test('the language chosen on the Account page stays with the user: another browser opens in it after sign-in', async () => {
  const page = await newPage(env.browser, env.s, { lang: 'en' });
  await signIn(page, 'operator');
  await page.goto('/#/account');
  await ready(page);
  await page.locator('#account-language').selectOption('ru');
  await page.waitForFunction(() => document.documentElement.lang === 'ru');
  await page.context().close();
  const other = await newPage(env.browser, env.s, { lang: 'en' });
  await signIn(other, 'operator');
  await other.waitForFunction(() => document.documentElement.lang === 'ru');
  assert.equal(await other.locator('#lang').inputValue(), 'ru');
  assert.equal(await other.evaluate(() => localStorage.getItem('demine.lang')), 'ru');
  // and back to the browser's choice
  await other.goto('/#/account');
  await ready(other);
  await other.locator('#account-language').selectOption('');
  await other.waitForFunction(async () => (await (await fetch('/api/v1/me')).json()).user.language == null);
  assert.deepEqual(other.errors, []);
  await other.context().close();
});

test('ru: the history and closure words the system wrote are in Russian on a closed hazard', async () => {
  const page = await newPage(env.browser, env.s, { lang: 'ru' });
  await page.goto('/#/login');
  await ready(page);
  await page.fill('form.login input[name=username]', 'im_officer');
  await page.fill('form.login input[name=password]', password('im_officer'));
  await page.locator('form.login button[type=submit]').click();
  await page.waitForSelector('#signout');
  await page.goto('/#/record/hazard/HAZ-AGD-00001');
  await ready(page);
  const history = await page.locator('#history').innerText();
  for (const english of ['land release figures recomputed', 'closed: fully released', 'created'])
    assert.ok(!history.includes(english), `"${english}" left in the history:\n${history}`);
  assert.match(history, /показатели высвобождения земель пересчитаны|закрыто: полностью высвобождено/);
  assert.equal(await page.locator('#record-fields [data-field="closure_reason"]').textContent(), 'полностью высвобождено');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
