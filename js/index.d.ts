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
/** A fresh wasm instance from the same compiled module (after a trap); returns the rebuilds so far. */
export function rebuild(): number;
export function rebuilds(): number;
export function classify(review: Review): Classification;
export function classifyBatch(reviews: Review[]): Array<Classification | Refused>;

/** A customer's answers to the post-delivery questions, with the order's context. Only `orderId` is required. */
export interface FeedbackAnswers extends Pick<Review, 'product' | 'sku' | 'variant' | 'carrier' | 'region' | 'warehouse'> {
  orderId: string;
  arrivedAsExpected?: boolean;
  deliverySmooth?: boolean;
  /** 1 (very dissatisfied) to 5 (very satisfied), whole numbers. */
  satisfaction?: number;
  needsHelp?: boolean;
  /** Up to 5,000 characters. */
  comment?: string;
  /** The customer's language tag, e.g. `fr-CA`. */
  locale?: string;
}

export type FeedbackQuestion = 'arrivedAsExpected' | 'deliverySmooth' | 'satisfaction' | 'needsHelp' | 'comment';

/** The merchant's settings that the decision needs (the widget takes the same names). */
export interface FeedbackOptions {
  /** https URL where customers write a public review. */
  reviewUrl: string;
  /** BCP 47 tag; any locale but English needs every key in `strings`. */
  locale?: string;
  /** Overrides of the widget's texts, key by key (see README). */
  strings?: Record<string, string>;
  /** When help comes, e.g. "within 4 hours". */
  responseTime?: string;
  /** When support works, e.g. "Monday to Friday, 9:00 to 17:00"; added to the follow-up. */
  supportHours?: string;
  questions?: FeedbackQuestion[] | string;
  /** Only "all" is accepted: anything else would be review gating. */
  reviewInvite?: 'all';
}

export type FeedbackReason =
  | 'not_as_expected' | 'delivery_not_smooth' | 'low_satisfaction' | 'needs_help'
  | 'negative_comment' | 'complaint_in_comment' | 'risk_flag';

export interface FeedbackTicket {
  orderId: string;
  answers: FeedbackAnswers;
  rootCauses: Array<{ id: CategoryId; confidence: number }>;
  risks: RiskId[];
  priority: Priority;
  comment: string | null;
  /** A private first message to the customer, for support to edit and send. */
  suggestedResponse: string;
}

export interface FeedbackAssessment {
  unhappy: boolean;
  reasons: FeedbackReason[];
  ticket: FeedbackTicket | null;
  /** Always present, the same for every customer. */
  invitation: { url: string; text: string };
  /** When help comes, in the customer's words; only when unhappy. */
  followUp?: string;
}

export function assessFeedback(answers: FeedbackAnswers, options: FeedbackOptions): FeedbackAssessment;

export type Platform = 'generic' | 'amazon' | 'google' | 'trustpilot' | 'shopify';

/** How a reply is written and where it is posted. */
export interface ReplyOptions {
  /** The store's name, used in the sign-off ("the Acme team"). */
  brand?: string;
  /** Replaces the whole sign-off line. */
  signOff?: string;
  /** The private channel: an email address or an http(s) link. Absent: "reply to the message we've sent you". */
  support?: string;
  tone?: 'warm' | 'formal';
  /** Decides the length limit, whether names are shown, whether links are allowed. Default `generic`. */
  platform?: Platform;
  /** The reviewer's public name; used only where the platform shows it. */
  displayName?: string;
  /** 0, 1, 2…: another wording of the same reply (wraps around at `Draft.variants`). */
  variant?: number;
}

export interface LintOptions extends ReplyOptions {
  /** The review being answered: enables the checks that depend on it (issue named, escalation, the reviewer's full name). */
  review?: Review;
}

export interface LintIssue {
  ruleId: string;
  severity: 'error' | 'warning' | 'suggestion';
  message: string;
  /** UTF-16 offsets into the reply text. */
  start: number;
  end: number;
  /** Replacement for `text.slice(start, end)`; '' deletes it. */
  suggestion?: string;
  /** Where the rule is stated (law, platform policy, guidance). */
  source: string;
}

export interface LintResult {
  /** False when any issue is an error: don't post the reply as it is. */
  ok: boolean;
  issues: LintIssue[];
}

export interface Draft {
  id: string | null;
  reply: string;
  variant: number;
  /** How many distinct wordings exist for this review. */
  variants: number;
  /** A safety, legal or fraud review: acknowledged and escalated, no liability, no public compensation. */
  escalated: boolean;
  lint: LintResult;
}

export function draftReply(review: Review, options?: ReplyOptions): Draft;
export function lintReply(text: string, options?: LintOptions): LintResult;

/** A review (or a widget answer) with what the report groups and times it by. */
export interface ReportRecord extends Partial<Review> {
  /** The marketing campaign the order came from. */
  campaign?: string;
  /** The customer segment: "new", "returning", "VIP"… */
  segment?: string;
  /** "review" (default) or "answer" (a post-delivery widget answer). */
  kind?: 'review' | 'answer';
  /** What the order was worth: the money at stake when the customer is unhappy. */
  orderValue?: number | string;
  /** Recovery steps, as the host recorded them (any date format `createdAt` accepts). */
  repliedAt?: string;
  contactedAt?: string;
  resolvedAt?: string;
  followedUpAt?: string;
  closedAt?: string;
  /** A classification from `classify`; absent, the report classifies the text. */
  classification?: Pick<Classification, 'sentiment' | 'categories' | 'risks' | 'priority' | 'needsReply'>;
}

export interface ReportOptions {
  /** Days a recurring issue is counted over, up to `asOf` (default 14). */
  windowDays?: number;
  /** Reviews in the window that make an issue recurring (default 3). */
  minReviews?: number;
  /** Hours within which a review needing action should get its first response (default 24). */
  responseTargetHours?: number;
  /** "Now" for windows and open cases; default: the latest date in the input. */
  asOf?: string;
  /** Entries per ranked list (default 10). */
  top?: number;
  /** Distinct values kept per dimension; more are counted under "(other)" (default 20,000). */
  maxValues?: number;
}

export type DimensionId = 'product' | 'sku' | 'variant' | 'carrier' | 'region' | 'warehouse' | 'campaign' | 'segment' | 'store';

export interface CauseCount { id: CategoryId; about: string; reviews: number; share: number }

export interface Issue {
  dimension: DimensionId;
  value: string;
  cause: CategoryId;
  /** The cause in words: "size or fit". */
  about: string;
  reviews: number;
  /** Reviews per window over up to 4 windows before (as far back as the item goes). */
  baseline: number | null;
  /** (reviews − baseline) / max(baseline, 1) */
  growth: number | null;
  moneyAtStake: number | null;
  score: number;
  /** "7 reviews of SKU TEE-BLK-M about size or fit in 14 days (to 2024-05-14), against 1.0 per 14 days before" */
  sentence: string;
}

export interface Spike {
  dimension: DimensionId;
  value: string;
  cause: CategoryId;
  about: string;
  lastWeek: number;
  baselinePerWeek: number;
  baselineWeeks: number;
  ratio: number;
  pValue: number;
  concentratedIn: { dimension: string; value: string; reviews: number } | null;
  sentence: string;
}

export type CaseState = 'new' | 'repliedPublicly' | 'contactedPrivately' | 'resolved' | 'followedUp' | 'closed';

export interface Summary {
  period: { first: string | null; last: string | null; asOf: string | null; windowDays: number };
  volume: {
    reviews: number; answers: number; unhappy: number; needsReply: number;
    bySentiment: Array<{ id: SentimentLabel; reviews: number }>;
    /** 1★ to 5★ */
    byRating: [number, number, number, number, number];
    unrated: number;
    byPriority: Array<{ id: Priority; reviews: number }>;
    risks: Array<{ id: RiskId; reviews: number }>;
    moneyAtStake: number | null;
  };
  rootCauses: CauseCount[];
  /** 7-day periods ending on `period.asOf`, oldest first. */
  timeline: { weekEnds: string[]; reviews: number[]; causes: Array<{ id: CategoryId; about: string; counts: number[] }> };
  breakdowns: Array<{
    dimension: DimensionId; label: string; values: number;
    items: Array<{ value: string; reviews: number; unhappy: number; averageRating: number | null; causes: CauseCount[] }>;
  }>;
  recurring: Issue[];
  spikes: Spike[];
  /** Ranked by money at stake (or reviews, without order values) × (1 + growth). */
  fixFirst: Issue[];
  urgent: Array<{ id: string | null; date: string | null; product: string | null; risks: RiskId[]; priority: Priority; excerpt: string | null }>;
  recovery: {
    cases: number;
    byState: Array<{ state: CaseState; cases: number }>;
    responseTargetHours: number;
    medianFirstResponseHours: number | null;
    medianResolutionHours: number | null;
    breaches: number;
    unansweredPastTarget: number;
    unhappyCustomers: number;
    unhappyRecovered: number;
    recoveredShare: number | null;
    followUpsDue: number;
    /** What a follow-up may say about the review: only after resolution, never with an incentive, never on Amazon. */
    updateInvitation: string;
  };
  caseProblems: Array<{ id: string | null; problem: string }>;
  caseProblemCount: number;
  skipped: Array<{ reason: 'duplicateId' | 'unreadable' | 'cutOff'; count: number; examples: string[] }>;
  dates: { undated: number; unreadable: number; unreadableExamples: string[]; monthFirstGuesses: number };
  /** Dimensions with more values than `maxValues`. */
  capped: DimensionId[];
}

/** A record `add` did not count. */
export interface NotCounted { index: number; id: string | null; error: string }

export interface Report {
  /** Counts a batch; returns the records it could not read. Repeated ids are counted once. */
  add(records: ReportRecord[]): NotCounted[];
  /**
   * Counts the reviews of JSON Lines bytes in our own field names, parsed in
   * the core (the fast way for big files). `firstLine` numbers the first line;
   * `cut` says the bytes end the input without a line break.
   */
  addJsonLines(bytes: Uint8Array, firstLine?: number, cut?: boolean): Array<{ line: number; id: string | null; error: string }>;
  /** Notes a record the caller could not read at all (`example`: a line number or id). */
  skip(reason: 'unreadable' | 'cutOff', example: string | number): void;
  summary(): Summary;
  /** Frees the report's memory in the wasm core. */
  close(): void;
}

export function summarize(records: ReportRecord[], options?: ReportOptions): Summary & { notCounted: NotCounted[] };
export function createReport(options?: ReportOptions): Report;
