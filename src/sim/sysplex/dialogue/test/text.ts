/** Test helpers shared by the dialogue tests: a reference text codec independent of the code under test. */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** fast-check runs for every property of the dialogue tests. */
export const RUNS = { numRuns: 1000 };

/** Bytes of a message written as a string. */
export function wire(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The text of built bytes. */
export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
