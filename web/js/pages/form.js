// Create or edit a record with a form generated from the field tables; the API's validation
// messages are shown next to their fields; geometry comes from a GeoJSON file.
import { h, field, option, clear, toast, nextId } from '../dom.js';
import { t, label, valueLabel, fmtDate } from '../i18n.js';
import { api, get, session, isOffline } from '../api.js';
import { keepDraft, draftOf, dropDraft, sendKey, dropSendKey } from '../drafts.js';
import { typeOf, typeLabel, organisations } from '../schema.js';
import { miniMap, setShape, bbox } from '../minimap.js';

const LONG_TEXT = /^(description|evidence|notes|injuries|materials|nonconformities)$/;

export async function render(main, params) {
  const type = typeOf(params.type);
  if (!type) throw new Error(t('err.no_type', { type: params.type }));
  const editing = !!params.id;
  let rec = {};
  let etag = null;
  if (editing) ({ data: rec, etag } = await api('GET', `/api/v1/${type.name}/${encodeURIComponent(params.id)}`));
  // What the user typed here before (a session that expired, a cut network) comes back.
  const login = session.user.login;
  const page = location.hash.split('?')[0];
  const draft = draftOf(login, page);
  if (draft) rec = { ...rec, ...draft.values };
  const personal = new Set(type.fields.filter((f) => f.personal).map((f) => f.name));
  const orgs = await organisations();
  const controls = new Map(); // field name -> {read(): value}
  const form = h('form', { class: 'card record-form', novalidate: true });
  const summary = h('div', { class: 'form-error', role: 'alert', id: 'form-errors' });

  // ---- common fields ----
  const orgSel = h('select', { name: 'organisation' }, option('', '—'),
    orgs.map((o) => option(o.id, o.name, (rec.organisation || session.user.org_id) === o.id)));
  if (session.user.role === 'operator' || session.user.role === 'va_officer') orgSel.disabled = !!session.user.org_id;
  controls.set('organisation', { read: () => orgSel.value || null });
  const doi = h('input', { type: 'date', name: 'date_of_information', value: rec.date_of_information || '' });
  controls.set('date_of_information', { read: () => doi.value || null });
  const ext = h('input', { name: 'external_id', value: rec.external_id || '' });
  controls.set('external_id', { read: () => ext.value.trim() || null });
  form.append(h('fieldset', {}, h('legend', { text: t('form.record') }),
    field(t('field.organisation'), orgSel, { name: 'organisation' }),
    field(t('field.date_of_information'), doi, { name: 'date_of_information' }),
    field(t('field.external_id'), ext, { name: 'external_id' })));

  // ---- the type's fields ----
  const fs = h('fieldset', {}, h('legend', { text: typeLabel(type.name) }));
  for (const f of type.fields) {
    if (f.computed || f.readonly) continue;
    const c = await control(f, rec[f.name]);
    controls.set(f.name, c);
    const text = label(f.labels, f.name) + (f.required ? ' *' : '') + (f.unit ? ` (${f.unit})` : '');
    if (c.group) fs.append(c.node);
    else fs.append(field(text, c.node, { help: f.help, name: f.name }));
  }
  form.append(fs);

  // ---- geometry ----
  let geometry = rec.geometry || null;
  let mini = null;
  // The outline being drawn when the form is submitted: 'none', 'done' (finished now) or the
  // number of corners of one too short to finish (never dropped without a word).
  let finishPending = () => 'none';
  let keep = () => {};
  if (type.geometry !== 'none') {
    const file = h('input', { type: 'file', accept: '.geojson,.json,application/geo+json,application/json', name: 'geometry' });
    const mapEl = h('div', { class: 'minimap', role: 'application', 'aria-label': t('form.draw_map') });
    const showGeometry = () => {
      setShape(mini, 'new', geometry);
      const b = geometry && bbox([geometry]);
      if (b) mini.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 30, maxZoom: 15, duration: 0 });
    };
    file.addEventListener('change', async () => {
      const box = form.querySelector('[data-field="geometry"]');
      setError(box, '');
      try {
        geometry = geometryOf(JSON.parse(await file.files[0].text()));
        showGeometry();
        keep();
      } catch (e) { setError(box, t('form.bad_geojson', { message: e.message })); }
    });
    // Drawing: each click on the small map adds a vertex; Finish closes the polygon.
    let vertices = null;
    const drawBtn = h('button', { type: 'button', id: 'draw', text: t('form.draw') });
    const finishBtn = h('button', { type: 'button', id: 'draw-finish', text: t('form.draw_finish'), hidden: true });
    const clearBtn = h('button', { type: 'button', id: 'draw-clear', text: t('form.draw_clear'), hidden: true });
    const drawHelp = h('p', { class: 'muted', hidden: true, text: t(type.geometry === 'point' ? 'form.draw_help_point' : 'form.draw_help') });
    const stopDrawing = () => { vertices = null; finishBtn.hidden = true; clearBtn.hidden = true; drawHelp.hidden = true; drawBtn.hidden = false; mini.getCanvas().style.cursor = ''; setShape(mini, 'draft', null); };
    drawBtn.addEventListener('click', () => {
      vertices = [];
      drawBtn.hidden = true; drawHelp.hidden = false; finishBtn.hidden = type.geometry === 'point'; clearBtn.hidden = false;
      mini.getCanvas().style.cursor = 'crosshair';
    });
    const finish = () => {
      geometry = { type: 'Polygon', coordinates: [[...vertices, vertices[0]]] };
      stopDrawing();
      setError(form.querySelector('[data-field="geometry"]'), '');
      showGeometry();
      keep();
    };
    finishBtn.addEventListener('click', () => {
      if (!vertices || vertices.length < 3) { setError(form.querySelector('[data-field="geometry"]'), t('form.draw_three')); return; }
      finish();
    });
    clearBtn.addEventListener('click', () => { stopDrawing(); setError(form.querySelector('[data-field="geometry"]'), ''); });
    finishPending = () => {
      if (!vertices || !vertices.length) { if (vertices) stopDrawing(); return 'none'; }
      if (vertices.length >= 3) { finish(); return 'done'; }
      return vertices.length;
    };
    const round = (x) => Math.round(x * 1e7) / 1e7;
    const onClick = (e) => {
      if (!vertices) return;
      vertices.push([round(e.lngLat.lng), round(e.lngLat.lat)]);
      if (type.geometry === 'point') {
        geometry = { type: 'Point', coordinates: vertices[0] };
        stopDrawing();
        showGeometry();
        return;
      }
      setShape(mini, 'draft', vertices.length === 1 ? { type: 'Point', coordinates: vertices[0] } : { type: 'LineString', coordinates: vertices });
    };
    form.append(h('fieldset', {}, h('legend', { text: t('form.geometry') }),
      field(t('form.geometry_file'), file, { help: t(`form.geometry_help_${type.geometry}`), name: 'geometry' }),
      h('div', { class: 'actions' }, drawBtn, finishBtn, clearBtn), drawHelp, mapEl));
    requestAnimationFrame(() => {
      mini = miniMap(mapEl, [{ id: 'new', geometry }, { id: 'draft', geometry: null }]);
      mini.on('click', onClick);
      window.__demine = { ...(window.__demine || {}), mini };
    });
  }

  // ---- reason and buttons ----
  let reason = null;
  if (editing) {
    reason = h('textarea', { name: 'change_reason', required: true });
    form.append(field(t('form.change_reason'), reason, { name: 'change_reason' }));
  }
  // ---- the local draft: every change is kept on this device until the record is saved ----
  keep = () => {
    const values = {};
    for (const [name, c] of controls) {
      if (personal.has(name)) continue;
      try { values[name] = c.read(); } catch { /* a half-typed JSON value: kept at the next change */ }
    }
    if (geometry) values.geometry = geometry;
    keepDraft(login, page, values);
  };
  let keepTimer = null;
  const keepSoon = () => { clearTimeout(keepTimer); keepTimer = setTimeout(keep, 300); };
  form.addEventListener('input', keepSoon);
  form.addEventListener('change', keepSoon);
  const restored = draft ? h('p', { class: 'notice', id: 'draft-restored', role: 'status' },
    t('form.draft_restored', { time: fmtDate(draft.at) }), ' ', personal.size ? `${t('form.draft_personal')} ` : null,
    h('button', { type: 'button', class: 'link', id: 'draft-discard', text: t('form.draft_discard'),
      onclick: () => { dropDraft(login, page); location.reload(); } })) : null;

  let noGeometryOk = false;
  form.append(summary, h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary', id: 'save', text: editing ? t('form.save') : t('form.create') }),
    h('button', { type: 'button', text: t('form.cancel'), onclick: () => history.back() })));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    form.querySelectorAll('.field').forEach((b) => setError(b, ''));
    clear(summary);
    // an outline being drawn is finished, or the save refused with the reason: never dropped
    const pending = finishPending();
    if (typeof pending === 'number') {
      const box = form.querySelector('[data-field="geometry"]');
      setError(box, t('form.draw_unfinished', { n: pending }));
      summary.append(h('p', { text: t('form.draw_unfinished', { n: pending }) }));
      box?.scrollIntoView({ block: 'center' });
      return;
    }
    if (type.geometry !== 'none' && !geometry && !noGeometryOk) {
      summary.append(h('p', { text: t('form.no_geometry_ask') }), h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'save-no-geometry', text: t('form.save_no_geometry'),
          onclick: () => { noGeometryOk = true; form.requestSubmit(); } })));
      summary.querySelector('button').focus();
      return;
    }
    let body;
    try {
      body = {};
      for (const [name, c] of controls) {
        const v = c.read();
        if (v !== null || editing) body[name] = v;
      }
      if (geometry) body.geometry = geometry;
      if (reason) body.change_reason = reason.value.trim();
    } catch (e) { summary.textContent = e.message; return; }
    try {
      const r = editing
        ? await api('PUT', `/api/v1/${type.name}/${rec.id}`, { body, etag })
        : await api('POST', `/api/v1/${type.name}`, { body, headers: { 'Idempotency-Key': sendKey(login, page, body) } });
      clearTimeout(keepTimer);
      dropDraft(login, page);
      dropSendKey(login, page);
      toast(editing ? t('form.saved', { code: r.data.code }) : t('form.created', { code: r.data.code }));
      location.hash = `#/record/${type.name}/${r.data.id}`;
    } catch (e) {
      keep();
      if (e.status === 401) return; // the sign-in page says so; the draft is back after it
      if (isOffline(e)) {
        summary.append(h('p', { id: 'form-offline', text: t('form.offline_kept') }));
        summary.focus?.();
        return;
      }
      const details = e.details?.length ? e.details : [{ field: e.field, message: e.message }];
      const list = h('ul');
      for (const d of details) {
        const box = d.field && form.querySelector(`[data-field="${CSS.escape(d.field)}"]`);
        if (box) setError(box, d.message);
        list.append(h('li', { text: d.field ? `${fieldName(type, d.field)}: ${d.message}` : d.message }));
      }
      summary.append(h('p', { text: e.status === 412 ? t('form.stale') : t('form.invalid') }), list);
      (form.querySelector('.field.invalid input, .field.invalid select, .field.invalid textarea') || summary).focus?.();
    }
  });

  main.append(h('h1', { text: editing ? t('form.edit_title', { code: rec.code }) : t('form.new_title', { type: typeLabel(type.name) }) }), restored, form);
  return () => { if (mini) mini.remove(); };
}

function fieldName(type, name) {
  const f = type.fields.find((x) => x.name === name);
  return f ? label(f.labels, name) : t(`field.${name}`);
}

function setError(box, message) {
  if (!box) return;
  box.classList.toggle('invalid', !!message);
  const err = box.querySelector('.field-error');
  if (err) err.textContent = message;
}

// A GeoJSON file's geometry: a geometry, a Feature, or a FeatureCollection of one feature.
function geometryOf(j) {
  if (j.type === 'FeatureCollection') {
    if (j.features.length !== 1) throw new Error(t('form.one_feature', { n: j.features.length }));
    return j.features[0].geometry;
  }
  if (j.type === 'Feature') return j.geometry;
  if (j.coordinates || j.geometries) return j;
  throw new Error(t('form.not_geojson'));
}

// The control for one field: {node, read(), group?}.
async function control(f, value) {
  const id = nextId('in');
  const num = (el, parse) => ({ node: el, read: () => (el.value.trim() === '' ? null : parse(el.value)) });
  switch (f.type) {
    case 'enum': {
      const s = h('select', { id, name: f.name }, option('', '—'), f.values.map((v) => option(v, valueLabel(v), v === value)));
      return { node: s, read: () => s.value || null };
    }
    case 'set': {
      const boxes = f.values.map((v) => h('input', { type: 'checkbox', value: v, checked: (value || []).includes(v) }));
      const node = h('fieldset', { class: 'field', dataset: { field: f.name } }, h('legend', { text: label(f.labels, f.name) + (f.required ? ' *' : '') }),
        boxes.map((b) => h('label', { class: 'check' }, b, ` ${valueLabel(b.value)}`)), h('span', { class: 'field-error', role: 'alert' }));
      return { node, group: true, read: () => { const v = boxes.filter((b) => b.checked).map((b) => b.value); return v.length ? v : null; } };
    }
    case 'date':
      return num(h('input', { id, type: 'date', name: f.name, value: value || '' }), (v) => v);
    case 'int':
      return num(h('input', { id, type: 'number', step: 1, min: f.nonneg ? 0 : null, name: f.name, value: value ?? '' }), (v) => Number(v));
    case 'area': case 'decimal':
      return num(h('input', { id, type: 'number', step: 'any', min: f.nonneg ? 0 : null, name: f.name, value: value ?? '' }), (v) => Number(v));
    case 'money':
      return num(h('input', { id, inputmode: 'decimal', name: f.name, value: value ?? '' }), (v) => v.trim());
    case 'currency': case 'country':
      return num(h('input', { id, name: f.name, maxlength: f.type === 'currency' ? 3 : 2, value: value ?? '', style: 'text-transform:uppercase' }), (v) => v.trim().toUpperCase());
    case 'json': {
      const ta = h('textarea', { id, name: f.name }, value ? JSON.stringify(value, null, 1) : '');
      return { node: ta, read: () => (ta.value.trim() ? JSON.parse(ta.value) : null) };
    }
    case 'link': case 'links': {
      let items = [];
      try { items = (await get(`/api/v1/${f.link_type}?limit=1000&sort=code`)).items; } catch { /* the role may not read them */ }
      const multi = f.type === 'links';
      const chosen = multi ? (value || []) : [value];
      const s = h('select', { id, name: f.name, multiple: multi, size: multi ? 5 : null },
        multi ? null : option('', '—'),
        items.map((r) => option(r.id, [r.code, r.name || r.title || r.name_en].filter(Boolean).join(' · '), chosen.includes(r.id))));
      return { node: s, read: () => { const v = [...s.selectedOptions].map((o) => o.value).filter(Boolean); return multi ? (v.length ? v : null) : (v[0] || null); } };
    }
    default: {
      const el = LONG_TEXT.test(f.name) ? h('textarea', { id, name: f.name }, value ?? '') : h('input', { id, name: f.name, value: value ?? '' });
      return num(el, (v) => v.trim());
    }
  }
}
