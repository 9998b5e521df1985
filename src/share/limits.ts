/**
 * Every bound the share-link codec enforces, in one place. A link is
 * untrusted text (pasted, bookmarked, crafted), so each stage of decoding has
 * a cap and the caps together bound the work one decode can do.
 */

/** Longest link or fragment read, in characters (browsers keep far longer URLs; ours are a few hundred). */
export const MAX_LINK_CHARS = 65_536;
/** Most bytes a link may inflate to; the decompressor stops reading past it. */
export const MAX_JSON_BYTES = 262_144;
/** Deepest nesting of arrays and objects in the document (the deepest real one, a policy match, is 6). */
export const MAX_JSON_DEPTH = 16;
/** Longest title, in UTF-16 code units. */
export const MAX_TITLE_CHARS = 120;
/** Most open panels a link names. */
export const MAX_PANELS = 16;
/** Highest step or selected entry: above any run's event limit (the scenarios stop at 50 million events). */
export const MAX_STEP = 100_000_000;
/** The largest seed: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffff_ffff;
