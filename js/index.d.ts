/** A customer's review. Only `text` is required. */
export interface Review {
  id?: string | number;
  text: string;
  title?: string;
  /** Stars, 1 to 5. */
  rating?: number;
  /** ISO 639-1, when the host already knows it. */
  language?: string;
  product?: string;
  sku?: string;
  variant?: string;
  carrier?: string;
  region?: string;
  warehouse?: string;
  createdAt?: string;
  author?: string;
  platform?: string;
}

export type SentimentLabel = 'negative' | 'mixed' | 'neutral' | 'positive';
export type CategoryId =
  | 'not_as_described' | 'size_fit' | 'quality' | 'damaged_in_transit' | 'wrong_or_missing_item'
  | 'delivery_delay' | 'returns' | 'refund' | 'customer_support' | 'communication'
  | 'price_value' | 'billing' | 'usability';
export type RiskId = 'safety' | 'legal' | 'fraud' | 'abuse' | 'personal_data' | 'churn';
export type Priority = 'urgent' | 'high' | 'normal' | 'low';

/** UTF-16 offsets: `text.slice(start, end)` is the evidence (`title` when `field` says so). */
export interface Span {
  start: number;
  end: number;
  field?: 'title';
}

export interface Classification {
  id: string | null;
  /** ISO 639-1 code; only English text is read for sentiment and root causes. */
  language: string;
  sentiment: { label: SentimentLabel; score: number };
  ratingMismatch: boolean;
  categories: Array<{ id: CategoryId; confidence: number; evidence: Span[] }>;
  risks: Array<{ id: RiskId; evidence: Span[] }>;
  priority: Priority;
  needsReply: boolean;
}

/** A review in a batch that could not be classified. */
export interface Refused {
  id: string | null;
  error: string;
}

export function init(source?: WebAssembly.Module | BufferSource | URL | string | Response): Promise<void>;
export function classify(review: Review): Classification;
export function classifyBatch(reviews: Review[]): Array<Classification | Refused>;
