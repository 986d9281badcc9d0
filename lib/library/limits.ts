/**
 * How many assets one organise request may touch (tagging, collecting, removing). A selection of
 * "every result" can be 10,000 (lib/library/selection.ts); larger changes are refused with this
 * number in the message rather than half done.
 */
export const MAX_ASSETS_PER_CHANGE = 5000;

/** Sending to review runs the editor's rules and a transaction per asset, so it takes fewer at once. */
export const MAX_ASSETS_SENT_TO_REVIEW = 500;
