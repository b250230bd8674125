// The column layouts of review apps' CSV exports, as data: the one place that
// knows them. An export is recognised when every column of an app's
// `signature` is in its header; its `columns` then say which review field
// each of its columns holds (the first present wins when several name one
// field). Names are matched as records.js matches all names: case, spaces,
// underscores and dashes aside.
//
// Sources: the apps' documented import/export templates and public samples of
// their exports (Judge.me and Shopify Product Reviews share the Shopify app's
// layout; Yotpo's export names its columns "Review Title", "Review Content"…;
// Trustpilot's Business export "Review Created (UTC)", "Review Stars"…).

/** @typedef {{ app: string, signature: string[], columns: Record<string, string>, platform?: string }} ReviewApp */

/** @type {ReviewApp[]} */
export const REVIEW_APPS = [
  {
    app: 'Judge.me',
    signature: ['title', 'body', 'rating', 'review_date', 'reviewer_name', 'product_handle'],
    columns: {
      body: 'text',
      title: 'title',
      rating: 'rating',
      review_date: 'createdAt',
      reviewer_name: 'author',
      product_handle: 'product',
      product_id: 'product',
      reply_date: 'repliedAt',
    },
  },
  {
    app: 'Shopify Product Reviews',
    signature: ['product_handle', 'state', 'rating', 'title', 'author', 'body', 'created_at'],
    columns: {
      body: 'text',
      title: 'title',
      rating: 'rating',
      created_at: 'createdAt',
      author: 'author',
      product_handle: 'product',
      replied_at: 'repliedAt',
    },
    platform: 'shopify',
  },
  {
    app: 'Yotpo',
    signature: ['review_title', 'review_content', 'review_score'],
    columns: {
      review_id: 'id',
      review_content: 'text',
      review_title: 'title',
      review_score: 'rating',
      date: 'createdAt',
      review_date: 'createdAt',
      created_at: 'createdAt',
      product_title: 'product',
      product_name: 'product',
      product_id: 'product',
      sku: 'sku',
      display_name: 'author',
      comment_date: 'repliedAt',
    },
  },
  {
    app: 'Trustpilot',
    signature: ['Review Created (UTC)', 'Review Stars', 'Review Content'],
    columns: {
      'Review ID': 'id',
      'Review Content': 'text',
      'Review Title': 'title',
      'Review Stars': 'rating',
      'Review Created (UTC)': 'createdAt',
      'Review Language': 'language',
      'Company Reply Date (UTC)': 'repliedAt',
      'Location Name': 'region',
      Name: 'author',
      'Product Name': 'product',
      SKU: 'sku',
    },
    platform: 'trustpilot',
  },
];
