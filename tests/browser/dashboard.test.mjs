// The patterns-and-recovery dashboard (demo/dashboard.html) in headless
// Chromium, served by demo/server.js: charts drawn from the sample, the
// planted spike found, an uploaded export's markup shown as text.
// Needs the wasm built (`make build`) and Chromium at /usr/bin/chromium.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { openPage, useDemo } from './server.mjs';

const site = useDemo();

let dir;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reviewloop-dashboard-'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The dashboard in a fresh context, recording errors, dialogs and CSP violations. */
function open() {
  return openPage(site.browser, `${site.origin}/dashboard.html`);
}

test('the sample: charts over time, by product and by carrier, the spike, recovery', async () => {
  const { page, problems, dialogs, close } = await open();
  try {
    await page.click('#dashboard-sample');
    await page.waitForFunction(() => /reviews in the report/.test(document.getElementById('dashboard-status').textContent), null, { timeout: 60_000 });
    const headings = await page.$$eval('#dashboard-report h2', (hs) => hs.map((h) => h.textContent));
    for (const h of ['Root causes over time', 'By product', 'By carrier', 'Recovery', 'Spikes']) assert.ok(headings.includes(h), `${h} in ${headings}`);
    const charts = await page.$$eval('#dashboard-report svg.chart', (svgs) => svgs.map((s) => s.namespaceURI));
    assert.ok(charts.length >= 5);
    assert.ok(charts.every((ns) => ns === 'http://www.w3.org/2000/svg'), 'drawn as SVG elements');
    const lines = await page.$$eval('#dashboard-report polyline', (ps) => ps.length);
    assert.ok(lines >= 1, 'root causes over time are lines');
    const spikes = await page.$$eval('#dashboard-report section', (ss) => ss.find((s) => s.querySelector('h2')?.textContent === 'Spikes')?.textContent ?? '');
    assert.match(spikes, /late delivery for region North: .*with carrier Evri/);
    const recovery = await page.$$eval('#dashboard-report section', (ss) => ss.find((s) => s.querySelector('h2')?.textContent === 'Recovery')?.textContent ?? '');
    assert.match(recovery, /Median time to first response \d+ h \(target 24 h\)/);
    assert.match(recovery, /Unhappy customers recovered: \d+ of \d+/);
    assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    assert.deepEqual(problems, []);
    assert.deepEqual(dialogs, []);
  } finally {
    await close();
  }
});

test('an uploaded export: customer markup stays text', async () => {
  const csv = [
    'id,text,rating,created_at,product,carrier',
    '1,"<img src=x onerror=alert(1)> arrived broken, box crushed",1,2024-05-01,"<b>Mug</b>",UPS',
    '2,"It caught fire <script>alert(2)</script>",1,2024-05-02,Lamp,DHL',
  ].join('\n');
  const path = join(dir, 'export.csv');
  await writeFile(path, csv);
  const { page, problems, dialogs, close } = await open();
  try {
    await page.setInputFiles('#dashboard-file', path);
    await page.waitForFunction(() => /reviews in the report/.test(document.getElementById('dashboard-status').textContent), null, { timeout: 60_000 });
    assert.equal(await page.$$eval('#dashboard-report img, #dashboard-report script, #dashboard-report b', (els) => els.length), 0);
    const text = await page.textContent('#dashboard-report');
    assert.ok(text.includes('<b>Mug</b>'), 'the product name is shown as written');
    assert.ok(text.includes('It caught fire <script>alert(2)</script>'), 'the urgent review is shown as written');
    assert.deepEqual(problems, []);
    assert.deepEqual(dialogs, []);
  } finally {
    await close();
  }
});
