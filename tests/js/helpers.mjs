// Shared by the JavaScript suites: where the shared data and contract live,
// the taxonomy read from the contract itself, and checks of a classification.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Real reviews, read at test time; never copied into the repository. */
export const DATA = new URL('../../../shared/data/', import.meta.url);
export const SPEC = new URL('../../../shared/spec/', import.meta.url);
export const INDEX = new URL('../../js/index.js', import.meta.url);
export const CLI = new URL('../../js/cli.js', import.meta.url);

/** The section of a markdown document under `## heading`, up to the next `## `. */
function section(markdown, heading) {
  const start = markdown.indexOf(`\n## ${heading}`);
  assert.notEqual(start, -1, `taxonomy.md has a "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

/** Table rows of a section: the backticked id in the first column, quoted examples in the last. */
function rows(text) {
  return [...text.matchAll(/^\| `(\w+)` \|(.*)\|\s*$/gm)].map(([, id, rest]) => ({
    id,
    examples: [...(rest.split('|').at(-1) ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]),
  }));
}

/**
 * The output vocabulary, from `shared/spec/taxonomy.md` (the contract), so
 * the tests hold the core to the document rather than to a copy of it.
 */
export function readTaxonomy() {
  const markdown = readFileSync(new URL('taxonomy.md', SPEC), 'utf8');
  const categories = rows(section(markdown, 'Categories'));
  const risks = rows(section(markdown, 'Risk flags'));
  return {
    sentiments: new Set(rows(section(markdown, 'Sentiment')).map((r) => r.id)),
    categories: new Set(categories.map((r) => r.id)),
    risks: new Set(risks.map((r) => r.id)),
    priorities: new Set([...section(markdown, 'Priority').matchAll(/`(\w+)`\s+\(/g)].map((m) => m[1])),
    urgentRisks: new Set([...section(markdown, 'Priority').matchAll(/`urgent`\s+\(any ([^)]*)\)/g)]
      .flatMap((m) => [...m[1].matchAll(/`(\w+)`/g)].map((w) => w[1]))),
    examples: [...categories, ...risks].flatMap(({ id, examples }) => examples.map((text) => ({ id, text }))),
  };
}

export const TAXONOMY = readTaxonomy();

const isHigh = (unit) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit) => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * A span is a non-empty piece of its field that `slice` returns whole: it
 * neither splits a surrogate pair nor cuts a combining mark from its letter.
 * @returns {string} the evidence
 */
export function assertSpan(span, review) {
  assert.deepEqual(Object.keys(span).filter((k) => !['start', 'end', 'field'].includes(k)), [], 'span keys');
  assert.ok(span.field === undefined || span.field === 'title', `span field ${span.field}`);
  const source = span.field === 'title' ? review.title : review.text;
  assert.equal(typeof source, 'string', `the span's field (${span.field ?? 'text'}) exists`);
  const { start, end } = span;
  assert.ok(Number.isInteger(start) && Number.isInteger(end), `integer offsets ${start}..${end}`);
  assert.ok(start >= 0 && start < end && end <= source.length, `0 <= ${start} < ${end} <= ${source.length}`);
  const evidence = source.slice(start, end);
  assert.notEqual(evidence.trim(), '', `evidence ${JSON.stringify(evidence)} is not blank`);
  assert.ok(!isLow(source.charCodeAt(start)), `span at ${start} does not start inside a surrogate pair`);
  assert.ok(!isHigh(source.charCodeAt(end - 1)), `span ending at ${end} does not split a surrogate pair`);
  assert.ok(!/^\p{M}/u.test(evidence), `evidence ${JSON.stringify(evidence)} does not start with a combining mark`);
  assert.ok(!/^\p{M}/u.test(source.slice(end)), `span ending at ${end} does not leave a combining mark behind`);
  return evidence;
}

/**
 * Checks a classification against interfaces.md and taxonomy.md: exact keys,
 * known ids, valid spans, and the priority rules.
 */
export function assertClassification(result, review) {
  const where = `classification of ${JSON.stringify(review).slice(0, 80)}`;
  assert.deepEqual(
    Object.keys(result).sort(),
    ['categories', 'id', 'language', 'needsReply', 'priority', 'ratingMismatch', 'risks', 'sentiment'],
    `${where}: keys`,
  );
  assert.equal(result.id, review.id === undefined || review.id === null ? null : String(review.id), `${where}: id`);
  assert.match(result.language, /^([a-z]{2,3})(-[A-Za-z]+)?$/, `${where}: language`);
  assert.deepEqual(Object.keys(result.sentiment).sort(), ['label', 'score'], `${where}: sentiment keys`);
  assert.ok(TAXONOMY.sentiments.has(result.sentiment.label), `${where}: sentiment ${result.sentiment.label}`);
  assert.ok(result.sentiment.score >= -1 && result.sentiment.score <= 1, `${where}: score ${result.sentiment.score}`);
  assert.equal(typeof result.ratingMismatch, 'boolean', `${where}: ratingMismatch`);
  assert.equal(typeof result.needsReply, 'boolean', `${where}: needsReply`);
  for (const [list, ids] of [[result.categories, TAXONOMY.categories], [result.risks, TAXONOMY.risks]]) {
    assert.ok(Array.isArray(list), `${where}: a list`);
    assert.equal(new Set(list.map((l) => l.id)).size, list.length, `${where}: each id once`);
    for (const label of list) {
      assert.ok(ids.has(label.id), `${where}: known id ${label.id}`);
      assert.ok(label.evidence.length > 0, `${where}: ${label.id} has evidence`);
      for (const span of label.evidence) assertSpan(span, review);
    }
  }
  for (const c of result.categories) {
    assert.ok(c.confidence > 0 && c.confidence <= 1, `${where}: ${c.id} confidence ${c.confidence}`);
  }
  assert.ok(TAXONOMY.priorities.has(result.priority), `${where}: priority ${result.priority}`);
  const urgent = result.risks.some((r) => TAXONOMY.urgentRisks.has(r.id));
  assert.equal(result.priority === 'urgent', urgent, `${where}: urgent exactly when a safety, legal or fraud flag is raised`);
  if (!urgent) {
    const expected = { positive: ['low'], neutral: ['low'], mixed: ['normal'], negative: ['high', 'normal'] };
    assert.ok(expected[result.sentiment.label].includes(result.priority), `${where}: priority ${result.priority} for ${result.sentiment.label}`);
  }
}

/** The labels a classification carries, categories and risks together. */
export function labels(result) {
  return [...result.categories, ...result.risks].map((l) => l.id);
}

/** The evidence of one label, as text. */
export function evidenceOf(result, id, review) {
  const label = [...result.categories, ...result.risks].find((l) => l.id === id);
  assert.ok(label, `${id} among ${JSON.stringify(labels(result))}`);
  return label.evidence.map((span) => assertSpan(span, review));
}

/**
 * Runs the CLI; `input` (a string, or a readable stream) goes to stdin.
 * @returns {Promise<{ status: number, stdout: string, stderr: string, lines: object[] }>}
 */
export function cli(args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(CLI), ...args], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      resolve({
        status,
        stdout,
        stderr,
        get lines() {
          return stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
        },
      });
    });
    if (typeof input === 'string') child.stdin.end(input);
    else if (input) input.pipe(child.stdin);
    else child.stdin.end();
  });
}

