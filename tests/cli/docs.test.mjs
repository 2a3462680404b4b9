// docs.test.mjs: the data model reference in docs/ is the one the field tables generate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ok, ROOT } from './helpers.mjs';

test('docs/data-model.md is up to date with the field tables (make docs)', () => {
  const generated = ok(['schema', '--markdown']).stdout;
  const committed = readFileSync(join(ROOT, 'docs/data-model.md'), 'utf8');
  assert.equal(committed, generated, 'run `make docs` and commit docs/data-model.md');
});
