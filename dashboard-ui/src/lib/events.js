/** The events an endpoint can subscribe to (webhook.test goes only to the endpoint it tests). */
export const EVENTS = [
  'payment.created',
  'payment.pending',
  'payment.success',
  'payment.failed',
  'payment.captured',
  'refund.created',
  'refund.processed',
];
