// reviewloop/classify: the classifier's part of the package's API, declared once in index.d.ts.
export type { Review, SentimentLabel, CategoryId, RiskId, Priority, Span, Classification, Refused } from './index.js';
export { init, rebuild, rebuilds, classify, classifyBatch } from './index.js';
