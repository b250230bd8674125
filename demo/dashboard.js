// The patterns-and-recovery dashboard: reads an export in this tab, builds the
// report with the wasm core in batches (so the page stays responsive), and
// draws it with the same views as `reviewloop report --html`. Customer text
// reaches the page only as text nodes (charts.js toDom), never as markup.
import { createReport, init } from '/js/index.js';
import { toDom } from '/js/lib/charts.js';
import { parseRecords } from '/js/lib/records.js';
import { sections } from '/js/lib/report-view.js';

const $ = (id) => document.getElementById(id);
const fileInput = $('dashboard-file');
const sampleButton = $('dashboard-sample');
const status = $('dashboard-status');
const progress = $('dashboard-progress');
const notice = $('dashboard-notice');
const reportView = $('dashboard-report');

/** Reviews handed to the core between two repaints. */
const BATCH = 500;

function say(text) {
  status.textContent = text;
}

function warn(text) {
  notice.hidden = text === '';
  notice.textContent = text;
}

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Builds and draws the report for records read from an export. */
async function show(records, meta) {
  await init();
  const report = createReport();
  const problems = [];
  try {
    progress.hidden = false;
    let batch = [];
    let done = 0;
    const flush = async () => {
      for (const n of report.add(batch)) if (problems.length < 5) problems.push(n.error);
      done += batch.length;
      batch = [];
      progress.value = done / records.length;
      say(`Read ${done.toLocaleString('en-US')} of ${records.length.toLocaleString('en-US')} reviews…`);
      await nextFrame();
    };
    for (const record of records) {
      if (record.review) {
        batch.push(record.review);
        if (batch.length === BATCH) await flush();
      } else {
        report.skip(record.cutOff ? 'cutOff' : 'unreadable', `line ${record.line}`);
        if (problems.length < 5) problems.push(record.error);
      }
    }
    if (batch.length) await flush();
    const summary = report.summary();
    reportView.replaceChildren(...sections(summary, { ...meta, problems }).map((node) => toDom(node, document)));
    say(`${summary.volume.reviews.toLocaleString('en-US')} reviews in the report.`);
  } finally {
    report.close();
    progress.hidden = true;
  }
}

async function fromText(text, source) {
  warn('');
  const info = {};
  const records = parseRecords(text, info);
  if (records.length === 0) {
    warn('The file holds no reviews.');
    return;
  }
  await show(records, { source, app: info.app ?? null, unread: [...(info.unread ?? [])] });
}

fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  if (!file) return;
  try {
    await fromText(await file.text(), file.name);
  } catch (error) {
    warn(`The file could not be read: ${error.message}`);
  } finally {
    fileInput.value = '';
  }
});

// Sample reviews we wrote, spread over ten weeks across products, carriers and
// regions, with a late-delivery spike in the North in the last week.
const SAMPLE_TEXTS = [
  ['Runs two sizes small, had to send it back.', 2],
  ['The sleeves are far too short for a medium.', 2],
  ['Arrived a week late and nobody told me why.', 2],
  ['Still not here after 12 days, tracking has not moved.', 1],
  ['The box was crushed and the mug inside was cracked.', 1],
  ['Stopped working after three days.', 1],
  ['Lovely quality, fits perfectly, fast delivery.', 5],
  ['Great value and the colour is exactly as pictured.', 5],
  ['Does what it says. Happy with it.', 4],
  ['Still waiting for my refund after three weeks.', 1],
  ['Support never answered my two emails.', 1],
  ['Soft fabric, washes well, would buy again.', 5],
];
const PRODUCTS = [['Linen shirt', 'SHIRT-LIN-M'], ['Wool socks', 'SOCK-WL-3'], ['Stoneware mug', 'MUG-ST-01'], ['Desk lamp', 'LAMP-DK-1']];
const CARRIERS = ['UPS', 'DHL', 'Evri'];
const REGIONS = ['North', 'South', 'East', 'West'];

function sample() {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const start = Date.UTC(2024, 2, 4);
  const day = 86_400_000;
  const lines = [];
  for (let d = 0; d < 70; d++) {
    for (let k = 0; k < 12; k++) {
      const [text, rating] = pick(SAMPLE_TEXTS);
      const [product, sku] = pick(PRODUCTS);
      const at = start + d * day + Math.floor(random() * day);
      const line = { id: `s${lines.length + 1}`, text, rating, product, sku, carrier: pick(CARRIERS), region: pick(REGIONS), createdAt: new Date(at).toISOString(), orderValue: 20 + Math.round(random() * 60) };
      if (rating <= 2 && random() < 0.8) line.repliedAt = new Date(at + random() * 2 * day).toISOString();
      if (rating <= 2 && random() < 0.5) line.resolvedAt = new Date(at + (2 + random() * 4) * day).toISOString();
      lines.push(line);
    }
  }
  for (let k = 0; k < 25; k++) {
    const at = start + (63 + (k % 7)) * day + k * 1000;
    lines.push({ id: `late${k}`, text: 'Arrived a week late and nobody told me why.', rating: 2, product: 'Wool socks', sku: 'SOCK-WL-3', carrier: 'Evri', region: 'North', createdAt: new Date(at).toISOString(), orderValue: 18 });
  }
  return lines.map((l) => JSON.stringify(l)).join('\n');
}

sampleButton.addEventListener('click', async () => {
  try {
    await fromText(sample(), 'sample reviews');
  } catch (error) {
    warn(`The sample could not be shown: ${error.message}`);
  }
});
