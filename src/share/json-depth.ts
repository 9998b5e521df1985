/**
 * A nesting-depth check made before JSON.parse: a link of `[[[[…` a hundred
 * thousand deep would otherwise overflow the parser's or the validator's
 * stack. One linear pass over the text, skipping strings; whether the text is
 * valid JSON is left to JSON.parse.
 */

/**
 * The deepest nesting of `[` and `{` outside strings, counted up to
 * `maxDepth + 1` (the scan stops there: the text is too deep either way).
 */
export function jsonDepth(text: string, maxDepth: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character, which may be a quote
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > maxDepth) return deepest;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}
