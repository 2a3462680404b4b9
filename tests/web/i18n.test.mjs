// Three languages: the catalogues hold the same keys and placeholders, every key the code uses
// exists, and in Azerbaijani no English string of the catalogue is left on any page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { start, finish, newPage, signIn, shot, mapIdle, ready, WEB } from './helpers.mjs';

const cat = (l) => JSON.parse(readFileSync(join(WEB, 'i18n', `${l}.json`), 'utf8'));
const en = cat('en');
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('the catalogues have the same keys and placeholders, and hold every key the code uses', () => {
  for (const l of ['az', 'ru']) {
    const c = cat(l);
    assert.deepEqual(Object.keys(c).sort(), Object.keys(en).sort(), `${l}.json keys`);
    for (const k of Object.keys(en)) {
      assert.ok(c[k].trim(), `${l}.json ${k} is empty`);
      assert.deepEqual(placeholders(c[k]), placeholders(en[k]), `${l}.json ${k} placeholders`);
    }
  }
  const files = [join(WEB, 'index.html'), ...readdirSync(join(WEB, 'js'), { recursive: true })
    .filter((f) => f.endsWith('.js')).map((f) => join(WEB, 'js', f))];
  const used = new Set();
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/['"]((?:nav|err|common|login|account|users|field|map|records|record|form|inbox|review|dash)\.[a-z_0-9]+)['"]/g)) used.add(m[1]);
  }
  assert.ok(used.size > 150, `found ${used.size} keys in the code`);
  for (const k of used) assert.ok(k in en, `en.json lacks ${k}`);
});

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

// Every text a user sees or hears on the page: visible text nodes, options, and the
// placeholders, labels and titles of visible elements.
function visibleTexts() {
  const out = [];
  const shown = (el) => el && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const s = n.textContent.trim();
    if (s && shown(n.parentElement) && !n.parentElement.closest('script,style')) out.push(s);
  }
  for (const el of document.querySelectorAll('option')) if (shown(el.closest('select'))) out.push(el.textContent.trim());
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[title]')) {
    if (!shown(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'title']) if (el.getAttribute(a)) out.push(el.getAttribute(a).trim());
  }
  return out;
}

for (const [lang, name, mapLink] of [['az', 'Azerbaijani', 'Xəritə'], ['ru', 'Russian', 'Карта']]) {
test(`in ${name} no English catalogue string remains on any page`, async () => {
  const az = cat(lang);
  // English strings that differ in Azerbaijani (a name like "Operator" is the same in both).
  const english = new Set(Object.keys(en).filter((k) => en[k] !== az[k] && !/\{/.test(en[k])).map((k) => en[k]));
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'im_officer');
  await page.locator('#lang').selectOption(lang);
  await page.getByRole('link', { name: mapLink }).waitFor();
  const pages = ['map', 'records/hazard', 'record/hazard/HAZ-AGD-00002', 'inbox', 'review/hazard/HAZ-FZL-00007',
    'new/hazard', 'dashboard', 'account', 'records/eo_find'];
  for (const p of pages) {
    await page.goto(`/#/${p}`);
    await ready(page);
    if (p === 'map') await mapIdle(page);
    if (p.startsWith('record/')) await mapIdle(page, 'mini');
    const texts = await page.evaluate(visibleTexts);
    const left = [...new Set(texts.filter((s) => english.has(s)))];
    assert.deepEqual(left, [], `English on #/${p} in ${name}`);
    if (p === 'map' || p.startsWith('record/')) await shot(page, `${lang}-${p.split('/')[0]}`);
  }
  // dates and numbers are written the language's way
  const loc = { az: 'az-Latn-AZ', ru: 'ru-RU' }[lang];
  await page.goto('/#/record/hazard/HAZ-AGD-00002');
  const doi = page.locator('#record-fields [data-field="date_of_information"]');
  await doi.waitFor();
  assert.equal(await doi.textContent(), new Intl.DateTimeFormat(loc, { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(2021, 10, 23)));
  assert.equal(await page.locator('#record-fields [data-field="area_m2"]').textContent(),
    `${new Intl.NumberFormat(loc, { maximumFractionDigits: 0 }).format(357144)} m²`);
  assert.deepEqual(page.errors, []);
});
}
