// dpsim serve: the workbench page (docs/serve.md). Talks to the JSON endpoints of
// model/serve/serve.h; charts with Apache ECharts (embedded, no network).
'use strict';

const state = { scenarios: [], scenario: null, region: null, keys: [], edits: {}, last: null, seq: 0, job: null };
const $ = (id) => document.getElementById(id);
const charts = {};

function fmt(v, d = 1) {
  if (v === null || v === undefined || !isFinite(v)) return '-';
  return Number(v).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}
function pct(v) { return v === null || v === undefined ? '-' : (100 * v).toFixed(1) + '%'; }
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}
function bi(zh, en) { return [zh + ' ', el('span', { class: 'en', text: en })]; }

async function api(method, path, body) {
  const r = await fetch(path, {
    method, headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const type = r.headers.get('Content-Type') || '';
  const data = type.startsWith('application/json') ? await r.json() : await r.blob();
  if (!r.ok) {
    const err = new Error(data && data.error ? data.error : 'HTTP ' + r.status);
    err.key = data && data.key; err.status = r.status;
    throw err;
  }
  return data;
}

function chart(id) {
  if (!charts[id]) charts[id] = echarts.init($(id));
  return charts[id];
}

async function loadScenarios() {
  const d = await api('GET', '/api/scenarios');
  state.scenarios = d.scenarios;
  const sel = $('scenario');
  sel.innerHTML = '';
  for (const s of d.scenarios) sel.append(el('option', { value: s.name, text: s.name + (s.title ? ' — ' + s.title : '') }));
  sel.onchange = () => selectScenario(sel.value);
  await selectScenario(d.scenarios[0].name);
}

async function selectScenario(name) {
  state.scenario = name;
  state.edits = {};
  state.region = null;
  $('place').innerHTML = '';
  const s = state.scenarios.find((x) => x.name === name);
  $('regions').textContent = s.regions.map((r) => r.name_zh + ' ' + r.name).join('、') + `  ${s.year_start}–${s.year_end}`;
  const d = await api('GET', '/api/keys?scenario=' + encodeURIComponent(name));
  state.keys = d.keys;
  buildForm();
  await recompute();
}

function buildForm() {
  const form = $('form');
  form.innerHTML = '';
  const solveSel = $('solve-key');
  solveSel.innerHTML = '';
  const groups = new Map();
  for (const k of state.keys) {
    if (!k.editable) continue;
    if (!groups.has(k.group)) groups.set(k.group, { zh: k.group_label_zh, en: k.group_label, keys: [] });
    groups.get(k.group).keys.push(k);
    if (k.kind === 'number') solveSel.append(el('option', { value: k.path, text: k.label_zh + ' (' + k.path + ')' }));
  }
  // The key "what does it take?" varies first: the care subsidy's grade-1 amount (the issue's
  // example), when the form has it.
  if (state.keys.some((k) => k.path === 'programmes.care_subsidy.monthly.grade1')) solveSel.value = 'programmes.care_subsidy.monthly.grade1';
  for (const [g, grp] of groups) {
    const det = el('details', { 'data-group': g }, el('summary', {}, ...bi(grp.zh, grp.en)));
    if (g === 'care_subsidy') det.open = true;
    for (const k of grp.keys) det.append(field(k));
    form.append(det);
  }
}

// The value label of an option: Chinese first, English beside it (both from key_meta.c).
function optLabel(o) { return o.label_zh === o.label ? o.label : o.label_zh + ' ' + o.label; }

// One field of the form, with a control that fits the key (kind from the key table):
// number, boolean (checkbox), select (one of the words), set (a checkbox per member: the list),
// ages ([min, max]: two numbers), year_word (a year, or the word such as never).
function field(k) {
  const id = 'key-' + k.path;
  const err = el('div', { class: 'err', id: 'err-' + k.path });
  const meta = el('div', { class: 'meta', title: k.source, text: `${k.unit_zh} ${k.unit} · 默认 default ${k.default} · ${k.path}` });
  const row = el('div', { class: 'key kind-' + k.kind, id: 'row-' + k.path });
  const set = (v) => {
    if (v === undefined) delete state.edits[k.path]; else state.edits[k.path] = v;
    row.classList.toggle('edited', k.path in state.edits);
    recompute();
  };
  let control;
  if (k.kind === 'boolean') {
    control = el('input', { type: 'checkbox', id, 'data-key': k.path });
    control.checked = k.value === 1;
    control.addEventListener('change', () => set(control.checked));
  } else if (k.kind === 'select') {
    control = el('select', { id, 'data-key': k.path });
    for (const o of k.options) control.append(el('option', { value: o.value, text: optLabel(o) }));
    control.value = k.value;
    control.addEventListener('change', () => set(control.value));
  } else if (k.kind === 'set') {
    control = el('div', { class: 'set', id, 'data-key': k.path });
    const boxes = k.options.map((o) => {
      const b = el('input', { type: 'checkbox', id: id + '.' + o.value, value: String(o.value) });
      b.checked = k.value.includes(o.value);
      control.append(el('label', { class: 'member' }, b, ' ' + o.label_zh + ' ', el('span', { class: 'en', text: o.label })));
      return [b, o.value];
    });
    const pick = () => set(boxes.filter(([b]) => b.checked).map(([, v]) => v));
    for (const [b] of boxes) b.addEventListener('change', pick);
  } else if (k.kind === 'ages') {
    control = el('div', { class: 'ages', id, 'data-key': k.path });
    const lo = el('input', { type: 'number', step: 1, min: k.min, max: k.max, id: id + '.min', value: k.value[0] });
    const hi = el('input', { type: 'number', step: 1, min: k.min, max: k.max, id: id + '.max', value: k.value[1] });
    control.append(lo, ' – ', hi);
    const pick = () => set([Number(lo.value), Number(hi.value)]);
    lo.addEventListener('change', pick);
    hi.addEventListener('change', pick);
  } else if (k.kind === 'year_word') {
    const word = k.options[0];
    control = el('div', { class: 'year-word', id, 'data-key': k.path });
    const year = el('input', { type: 'number', step: 1, min: k.min, max: k.max, id: id + '.year' });
    const box = el('input', { type: 'checkbox', id: id + '.word' });
    box.checked = typeof k.value === 'string';
    if (!box.checked) year.value = k.value;
    year.disabled = box.checked;
    control.append(year, el('label', { class: 'member' }, box, ' ' + optLabel(word)));
    year.addEventListener('change', () => { if (year.value !== '') set(Number(year.value)); });
    box.addEventListener('change', () => {
      year.disabled = box.checked;
      if (box.checked) set(word.value); else if (year.value !== '') set(Number(year.value));
    });
  } else {
    control = el('input', { type: 'number', step: 'any', id, 'data-key': k.path });
    if (k.value !== null) control.value = k.value;
    if (k.min !== null && k.min !== undefined) control.min = k.min;
    if (k.max !== null && k.max !== undefined) control.max = k.max;
    control.addEventListener('change', () => set(control.value === '' ? undefined : Number(control.value)));
  }
  row.append(el('label', { for: id }, ...bi(k.label_zh, k.label)), control, meta, err);
  return row;
}

function clearErrors() {
  for (const e of document.querySelectorAll('.key .err')) e.textContent = '';
}

async function recompute() {
  const seq = ++state.seq;
  $('status').textContent = '计算中… computing';
  clearErrors();
  let d;
  try {
    d = await api('POST', '/api/run', { scenario: state.scenario, overlay: state.edits, region: state.region });
  } catch (e) {
    if (seq !== state.seq) return;
    // The field of the key path, or the first field under it (programmes.P.funding: its shares).
    let spot = e.key && $('err-' + e.key);
    if (!spot && e.key) {
      const k = state.keys.find((x) => x.editable && x.path.startsWith(e.key + '.'));
      spot = k && $('err-' + k.path);
    }
    if (spot) spot.textContent = e.message; 
    $('status').innerHTML = '';
    $('status').append(el('span', { class: 'err', id: 'run-error', text: '错误 error: ' + e.message }));
    return;
  }
  if (seq !== state.seq) return;
  state.last = d;
  $('status').textContent = '';
  $('elapsed').textContent = `${d.elapsed_ms.toFixed(0)} ms`;
  $('overlay-text').textContent = d.overlay_yaml;
  places(d);
  show(d);
}

// Levels of the region hierarchy (data/regions/hierarchy.yaml), Chinese first.
const LEVEL = { region: ['地区', 'region'], nation: ['全国', 'nation'], province: ['省级', 'province'],
  prefecture: ['地市级', 'prefecture'], county: ['县级', 'county'] };

// The region or hierarchy node whose spending the page shows: offered when the run has more
// than one (its regions and the nodes above them; /api/run's places).
function places(d) {
  const sel = $('place');
  const box = $('place-box');
  box.hidden = !d.places || d.places.length < 2;
  if (box.hidden || sel.options.length) return;
  sel.append(el('option', { value: '', text: '全部地区 all regions of the run' }));
  for (const p of d.places) {
    const lv = LEVEL[p.level] || [p.level, p.level];
    sel.append(el('option', { value: p.id, text: `${p.name_zh} ${p.name} (${lv[0]} ${lv[1]})` }));
  }
  sel.value = state.region || '';
  sel.onchange = () => { state.region = sel.value || null; recompute(); };
}

function show(d) {
  const t = $('totals');
  t.innerHTML = '';
  t.append(el('tr', {}, el('th', {}, ...bi('年度', 'year')), ...d.years.map((y) => el('th', { text: y }))));
  t.append(el('tr', {}, el('td', {}, ...bi('修改后', 'edited')), ...d.years.map((y, i) => el('td', { id: 'total-' + y, 'data-value': d.total[i], text: fmt(d.total[i]) }))));
  t.append(el('tr', {}, el('td', {}, ...bi('原方案', 'scenario')), ...d.years.map((y, i) => el('td', { id: 'base-' + y, text: fmt(d.baseline.total[i]) }))));
  t.append(el('tr', {}, el('td', {}, ...bi('差额', 'difference')), ...d.years.map((y, i) => el('td', { id: 'diff-' + y, text: fmt(d.difference.total[i]) }))));
  if (d.budget) {
    t.append(el('tr', {}, el('td', {}, ...bi('预算上限', 'ceiling')), ...d.budget.map((b) => el('td', { text: fmt(b.ceiling) }))));
  }
  const years = d.years.map(String);
  chart('chart-programmes').setOption({
    tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid: { top: 40, left: 60, right: 10, bottom: 30 },
    xAxis: { type: 'category', data: years }, yAxis: { type: 'value', name: '万元' },
    series: d.programmes.map((p) => ({ name: p.label_zh + ' ' + p.label, type: 'bar', stack: 'all', data: p.spending })),
  }, true);
  chart('chart-levels').setOption({
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { top: 40, left: 60, right: 10, bottom: 30 },
    xAxis: { type: 'category', data: years }, yAxis: { type: 'value', name: '万元' },
    series: d.levels.map((p) => ({ name: p.label_zh + ' ' + p.label, type: 'bar', stack: 'all', data: p.spending })),
  }, true);
  chart('chart-diff').setOption({
    tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid: { top: 40, left: 60, right: 10, bottom: 30 },
    xAxis: { type: 'category', data: years }, yAxis: { type: 'value', name: '万元' },
    series: [{ name: '合计 total', type: 'line', data: d.difference.total, lineStyle: { width: 3 } }].concat(
      d.difference.programmes.filter((p) => p.spending.some((v) => Math.abs(v) > 1e-9)).map((p) => ({
        name: ((q) => q ? q.label_zh + ' ' + q.label : p.key)(d.programmes.find((q) => q.key === p.key)), type: 'bar', data: p.spending })))
  }, true);
  const tt = $('targets');
  tt.innerHTML = '';
  tt.append(el('tr', {}, el('th', {}, ...bi('目标', 'target')), el('th', { text: '目标值 value' }),
    el('th', { text: '预测 projected' }), el('th', { text: 'P(达成 met)' }), el('th', { text: '缺口 gap' }), el('th', { text: '' })));
  // With a region or node picked: its own targets (a target names its region or node, or
  // none for the whole run).
  const shown = d.targets.filter((x) => !state.region || x.region === state.region);
  if (!d.targets.length && !d.budget) tt.append(el('tr', {}, el('td', { colspan: 6, text: '此情景无规划目标 (no targets in this scenario)' })));
  else if (d.targets.length && !shown.length) tt.append(el('tr', {}, el('td', { colspan: 6, text: '此地区无规划目标 (no targets for this region or node)' })));
  for (const x of shown) {
    const b = el('button', { type: 'button' }, ...bi('需要多少？', 'what does it take?'));
    b.onclick = () => solve(x.label);
    tt.append(el('tr', {}, el('td', {}, x.label_zh + ' ', el('span', { class: 'en', text: x.label })),
      el('td', { text: x.op + ' ' + fmt(x.value, 2) }), el('td', { text: fmt(x.mean, 2) }), el('td', { text: pct(x.p_met) }),
      el('td', { text: fmt(x.gap, 0) + ' ' + x.gap_unit_zh + ' ' + x.gap_unit }), el('td', {}, b)));
  }
  ceilingRow(d, tt);
}

// The budget ceiling as a target (dpsim solve's ceiling_YEAR): the first year whose total
// exceeds the ceiling, else the last year; "what does it take?" finds the key's value that
// keeps the total within it (the whole run's ceiling, whatever region is shown).
function ceilingRow(d, tt) {
  if (!d.budget || !d.budget.length) return;
  const b = d.budget.find((x) => x.total > x.ceiling) || d.budget[d.budget.length - 1];
  const btn = el('button', { type: 'button', id: 'solve-ceiling' }, ...bi('需要多少？', 'what does it take?'));
  btn.onclick = () => solve('ceiling_' + b.year);
  tt.append(el('tr', {}, el('td', {}, `预算上限·${b.year}年 `, el('span', { class: 'en', text: `ceiling_${b.year}` })),
    el('td', { text: '<= ' + fmt(b.ceiling, 1) + ' 万元' }), el('td', { text: fmt(b.total, 1) }),
    el('td', { text: pct(1 - b.p_exceeds) }), el('td', { text: fmt(Math.max(0, b.total - b.ceiling), 1) + ' 万元 10k yuan' }),
    el('td', {}, btn)));
}

async function solve(target) {
  const key = $('solve-key').value;
  $('solve-out').textContent = '求解中… solving';
  try {
    const r = await api('POST', '/api/solve', { scenario: state.scenario, overlay: state.edits, target, key });
    $('solve-out').textContent = r.status === 'found'
      ? `${r.target_zh}: ${key} = ${r.value_text}（P=${pct(r.p_met)}；支出变化 cost ${fmt(r.total_difference)} 万元）`
      : `无解 no answer: ${r.message}`;
  } catch (e) { $('solve-out').textContent = '错误 error: ' + e.message; }
}

async function ranges() {
  const runs = Number($('range-runs').value);
  $('range-status').textContent = '';
  let job;
  try { job = await api('POST', '/api/ranges', { scenario: state.scenario, overlay: state.edits, runs, region: state.region }); }
  catch (e) { $('range-status').textContent = '错误 error: ' + e.message; return; }
  const poll = async () => {
    const p = await api('GET', '/api/ranges?job=' + job.job);
    $('range-progress').max = p.total || 1;
    $('range-progress').value = p.done;
    if (p.state !== 'done') { setTimeout(poll, 300); return; }
    if (p.result.error) { $('range-status').textContent = '错误 error: ' + p.result.error; return; }
    showRanges(p.result);
  };
  poll();
}

function showRanges(r) {
  $('range-status').textContent = `${r.runs} 次 runs`;
  const years = r.years.map(String), f = r.total_fan;
  const band = (lo, hi, name, op) => [
    { name, type: 'line', data: lo, stack: name, lineStyle: { opacity: 0 }, symbol: 'none' },
    { name, type: 'line', data: hi.map((v, i) => v - lo[i]), stack: name, lineStyle: { opacity: 0 }, symbol: 'none', areaStyle: { opacity: op } }];
  chart('chart-fan').setOption({
    tooltip: { trigger: 'axis' }, legend: { top: 0, data: ['90%', '50%', '中位数 median'] }, grid: { top: 40, left: 60, right: 10, bottom: 30 },
    xAxis: { type: 'category', data: years }, yAxis: { type: 'value', name: '万元', scale: true },
    series: band(f.p05, f.p95, '90%', 0.25).concat(band(f.p25, f.p75, '50%', 0.45),
      [{ name: '中位数 median', type: 'line', data: f.p50 }]),
  }, true);
  const t = $('range-targets');
  t.innerHTML = '';
  for (const x of r.targets || []) t.append(el('tr', {}, el('td', {}, x.label_zh + ' ', el('span', { class: 'en', text: x.label })), el('td', { text: 'P(达成 met) ' + pct(x.p_met) })));
  for (const b of r.budget || []) t.append(el('tr', {}, el('td', { text: `${b.year} P(支出>上限 total>ceiling)` }), el('td', { text: pct(b.p_exceeds) })));
}

async function download(path, ext) {
  $('dl-status').textContent = '';
  try {
    const blob = await api('POST', path, { scenario: state.scenario, overlay: state.edits });
    const a = el('a', { href: URL.createObjectURL(blob), download: state.scenario + '-edited.' + ext });
    document.body.append(a); a.click(); a.remove();
  } catch (e) { $('dl-status').textContent = '错误 error: ' + e.message; }
}

window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
$('reset').onclick = () => selectScenario(state.scenario);
$('range-go').onclick = ranges;
$('dl-overlay').onclick = () => download('/api/overlay', 'yaml');
$('dl-h5').onclick = () => download('/api/download/h5', 'h5');
$('dl-xlsx').onclick = () => download('/api/download/xlsx', 'xlsx');
loadScenarios().catch((e) => { $('status').textContent = '错误 error: ' + e.message; });
