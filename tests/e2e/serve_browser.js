// tests/e2e/serve_browser.js — driven by tests/e2e/serve_browser.sh.
// Headless Debian chromium through puppeteer-core (model/web/node_modules, pinned in
// model/web/package-lock.json; no browser download): opens the workbench at URL, reads the 2030
// total shown, sets the care subsidy's grade-1 amount to AMOUNT, waits for the page to show the
// recomputed total, downloads the edits as an overlay (the page's own button) into DIR, and takes
// a screenshot. Prints one JSON line: {before, after, elapsed_ms, overlay, screenshot}.
//   node serve_browser.js URL DIR AMOUNT
'use strict';
const path = require('path');
const fs = require('fs');
const puppeteer = require(path.join(__dirname, '../../model/web/node_modules/puppeteer-core'));

(async () => {
  const [url, dir, amount] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--lang=zh-CN'],
  });
  const out = {};
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: 'load' });
    const total = '[id="total-2030"]';
    await page.waitForSelector(total, { timeout: 30000 });
    out.before = Number(await page.$eval(total, (e) => e.dataset.value));
    const input = '[id="key-programmes.care_subsidy.monthly.grade1"]';
    await page.waitForSelector(input);
    await page.$eval(input, (e, v) => {
      e.value = v;
      e.dispatchEvent(new Event('change'));
    }, amount);
    await page.waitForFunction((sel, b) => {
      const e = document.querySelector(sel);
      return e && Number(e.dataset.value) !== b;
    }, { timeout: 30000 }, total, out.before);
    out.after = Number(await page.$eval(total, (e) => e.dataset.value));
    out.elapsed_ms = Number((await page.$eval('#elapsed', (e) => e.textContent)).replace(/[^0-9.]/g, ''));
    // The overlay through the page's download button.
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    await page.click('#dl-overlay');
    const want = path.join(dir, 'daan-targets-edited.yaml');
    for (let i = 0; i < 100 && !fs.existsSync(want); i++) await new Promise((r) => setTimeout(r, 100));
    out.overlay = fs.existsSync(want) ? want : null;
    // The results of the edit as HDF5 and Excel, through the page's buttons.
    for (const [btn, ext] of [['#dl-h5', 'h5'], ['#dl-xlsx', 'xlsx']]) {
      await page.click(btn);
      const f = path.join(dir, 'daan-targets-edited.' + ext);
      for (let i = 0; i < 300 && !fs.existsSync(f); i++) await new Promise((r) => setTimeout(r, 100));
      out[ext] = fs.existsSync(f) ? f : null;
    }
    // Ranges: a micro run of 10 replicates in the background, then its fan chart.
    await page.$eval('#range-runs', (e) => { e.value = '10'; });
    await page.click('#range-go');
    await page.waitForFunction(() => /10 /.test(document.getElementById('range-status').textContent),
      { timeout: 120000 });
    out.ranges_status = await page.$eval('#range-status', (e) => e.textContent);
    out.ranges_progress = await page.$eval('#range-progress', (e) => [e.value, e.max]);
    // A value the scenario loader refuses: its message next to the field, with the key path.
    const err = '[id="err-programmes.care_subsidy.monthly.grade2"]';
    await page.$eval('[id="key-programmes.care_subsidy.monthly.grade2"]', (e) => {
      e.value = '-5';
      e.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction((sel) => document.querySelector(sel).textContent.length > 0,
      { timeout: 30000 }, err);
    out.field_error = await page.$eval(err, (e) => e.textContent);
    await page.$eval('[id="key-programmes.care_subsidy.monthly.grade2"]', (e) => {
      e.value = '93';
      e.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction((sel) => document.querySelector(sel).textContent === '',
      { timeout: 30000 }, err);
    // Speed: five more edits (151..155, then back to AMOUNT), the server's time of each.
    out.edit_ms = [];
    for (const v of [151, 152, 153, 154, 155, Number(amount)]) {
      const prev = Number(await page.$eval(total, (e) => e.dataset.value));
      await page.$eval(input, (e, x) => { e.value = x; e.dispatchEvent(new Event('change')); }, String(v));
      await page.waitForFunction((sel, b) => Number(document.querySelector(sel).dataset.value) !== b,
        { timeout: 30000 }, total, prev);
      out.edit_ms.push(Number((await page.$eval('#elapsed', (e) => e.textContent)).replace(/[^0-9.]/g, '')));
    }
    // A list and a word on the page: grade 3 made eligible for the care subsidy (a checkbox of
    // the grades list), then its amount indexed with the dibao standard (a select of the key
    // table's words; the share of the standard left at 0).
    const waitTotal = async (prev) => page.waitForFunction((sel, b) =>
      Number(document.querySelector(sel).dataset.value) !== b, { timeout: 30000 }, total, prev);
    let prev = Number(await page.$eval(total, (e) => e.dataset.value));
    await page.$eval('[id="key-programmes.care_subsidy.eligibility.grades.3"]', (e) => {
      e.checked = true; e.dispatchEvent(new Event('change'));
    });
    await waitTotal(prev).catch(() => { throw new Error('the grade-3 box did not change the total'); });
    prev = Number(await page.$eval(total, (e) => e.dataset.value));
    await page.$eval('[id="key-programmes.care_subsidy.indexation.kind"]', (e) => {
      e.value = 'dibao'; e.dispatchEvent(new Event('change'));
    });
    await waitTotal(prev).catch(() => { throw new Error('the indexation word did not change the total'); });
    out.lists_total = Number(await page.$eval(total, (e) => e.dataset.value));
    const listDir = path.join(dir, 'lists');
    fs.mkdirSync(listDir, { recursive: true });
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: listDir });
    await page.click('#dl-overlay');
    const want2 = path.join(listDir, 'daan-targets-edited.yaml');
    for (let i = 0; i < 100 && !fs.existsSync(want2); i++) await new Promise((r) => setTimeout(r, 100));
    out.lists_overlay = fs.existsSync(want2) ? want2 : null;
    // Labels as the page shows them (Chinese first, English beside it).
    const text = (sel) => page.$eval(sel, (e) => e.textContent);
    out.label_grades = await text('[id="row-programmes.care_subsidy.eligibility.grades"] label');
    out.label_grade3 = await page.$eval('[id="key-programmes.care_subsidy.eligibility.grades.3"]',
      (e) => e.parentElement.textContent);
    out.label_kind_option = await page.$eval('[id="key-programmes.care_subsidy.indexation.kind"]',
      (e) => e.options[e.selectedIndex].textContent);
    out.label_rates_group = await text('details[data-group="rates"] summary');
    out.places = await page.$eval('#place', (e) => [...e.options].map((o) => o.textContent));
    out.label_levels = await page.evaluate(() =>
      echarts.getInstanceByDom(document.getElementById('chart-levels')).getOption().series.map((x) => x.name));
    // Back to the amount edit alone for the screenshot (docs/serve.png).
    prev = Number(await page.$eval(total, (e) => e.dataset.value));
    await page.$eval('[id="key-programmes.care_subsidy.indexation.kind"]', (e) => {
      e.value = 'rate'; e.dispatchEvent(new Event('change'));
    });
    await waitTotal(prev);
    prev = Number(await page.$eval(total, (e) => e.dataset.value));
    await page.$eval('[id="key-programmes.care_subsidy.eligibility.grades.3"]', (e) => {
      e.checked = false; e.dispatchEvent(new Event('change'));
    });
    await waitTotal(prev);
    await page.evaluate(() => { window.scrollTo(0, 0); document.getElementById('form-pane').scrollTop = 0; });
    await new Promise((r) => setTimeout(r, 800)); // charts' animation
    out.screenshot = path.join(dir, 'serve.png');
    await page.screenshot({ path: out.screenshot, fullPage: false });
    out.page_errors = errors;
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(String(e)); process.exit(1); });
