// The reply options `draft` and `lint` take on the command line, checked once
// before any record is read so a typo stops the run at once.
import { draftReply } from '../index.js';
import { UsageError } from '../lib/command.js';

export const REPLY_FLAGS = {
  brand: { type: 'string' },
  support: { type: 'string' },
  platform: { type: 'string' },
  tone: { type: 'string' },
  'sign-off': { type: 'string' },
  variant: { type: 'string' },
};

export const REPLY_FLAGS_HELP = `  --brand NAME          the store's name, for the sign-off ("the NAME team")
  --support EMAIL|URL   the private channel replies point to (default: "reply to
                        the message we've sent you")
  --platform NAME       generic, amazon, google, trustpilot or shopify (limits,
                        names, links); default generic
  --tone warm|formal    default warm
  --sign-off TEXT       replaces the whole sign-off line
  --variant N           another wording (0, 1, 2…)`;

/** The flags as `draftReply`/`lintReply` options; a bad value is a usage error. */
export function replyOptions(values) {
  const options = {};
  for (const [flag, key] of [['brand', 'brand'], ['support', 'support'], ['platform', 'platform'], ['tone', 'tone'], ['sign-off', 'signOff']]) {
    if (values[flag] !== undefined) options[key] = values[flag];
  }
  if (values.variant !== undefined) {
    const variant = Number(values.variant);
    if (!Number.isInteger(variant) || variant < 0) throw new UsageError(`--variant must be a whole number from 0, not "${values.variant}".`);
    options.variant = variant;
  }
  try {
    draftReply({ text: 'The parcel was late.' }, options);
  } catch (error) {
    throw new UsageError(error.message);
  }
  return options;
}
