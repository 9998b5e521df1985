/**
 * Share links for the lab: a versioned, compressed, validated document in a
 * URL fragment (`#v1.…`), and the older `?scenario=…` links. No DOM, no React.
 */
export { decodeShare, encodeShare, looksLikeShareLink, type DecodeResult, type DecodeStats } from './codec';
export { CURRENT_VERSION, ShareDocumentSchema, validateDocument, type ShareDocument, type ShareView } from './document';
export { combineParams, forksToParams, NO_FORKS, paramsToForks, type Forks } from './forks';
export * from './limits';
export { loadShare } from './load-share';
export { migrate, v0FromQuery, type V0Document } from './migrate';
