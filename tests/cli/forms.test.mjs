// forms.test.mjs: demine forms list|export: the field forms written as ODK XForms, the same bytes
// the server hands to ODK Collect, and usage errors that name what is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { demine, ok, tempDir, ROOT } from './helpers.mjs';

const FORMS = ['demine_nts', 'demine_ts', 'demine_release', 'demine_eo', 'demine_accident', 'demine_eore'];

test('forms list names each form, its record type and version', () => {
  const out = ok(['forms', 'list']).stdout.trim().split('\n');
  assert.deepEqual(out.map((l) => l.split(/\s+/)[0]), FORMS);
  for (const l of out) assert.match(l, /^demine_\w+\s+\w+\s+[0-9a-f]{16}\s+\S/);
});

test('forms export writes a well-formed XForm with its version, the same with -o and on stdout', () => {
  const dir = tempDir();
  for (const f of FORMS) {
    const file = join(dir, `${f}.xml`);
    ok(['forms', 'export', f, '-o', file]);
    const xml = readFileSync(file, 'utf8');
    assert.equal(ok(['forms', 'export', f]).stdout, xml);
    const lint = spawnSync('xmllint', ['--noout', file], { encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stderr);
    assert.match(xml, new RegExp(`<data id="${f}" version="[0-9a-f]{16}">`));
    assert.match(xml, /<translation lang="Русский \(ru\)">/);
  }
  // the choices are labelled from the message catalogues (data/i18n), in each language
  const labelled = ok(['forms', 'export', 'demine_eo']).stdout;
  for (const l of ['en', 'az', 'ru']) {
    const cat = JSON.parse(readFileSync(join(ROOT, `data/i18n/${l}.json`), 'utf8'));
    assert.ok(labelled.includes(`<value>${cat.messages['v.at_mine']}</value>`), `${l}: ${cat.messages['v.at_mine']}`);
  }
});

test('forms: usage errors say what is wrong', () => {
  let r = demine(['forms', 'export', 'nope']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /'nope' is not a form: see demine forms list/);
  r = demine(['forms']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /forms list \| forms export NAME/);
  r = demine(['forms', 'list', '--colour']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--colour'/);
});
