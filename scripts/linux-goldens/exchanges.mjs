// Shared description of the recorded exchanges (used by server.mjs, client.mjs, summarize.mjs).
export const SERVER_IP = '10.99.0.2';
export const CLIENT_IP = '10.99.0.1';
export const PORT = 8080;
export const CLOSED_PORT = 8081;

export const EXCHANGES = {
  'request-response-client-close': {
    description:
      'Client connects, sends a 200-byte request; server answers 2000 bytes; client closes (FIN) after reading all 2000; server closes when it sees the client FIN.',
    request: 200,
    response: 2000,
  },
  'server-close-first': {
    description:
      'Client sends a 200-byte request; server writes a 2000-byte answer and immediately end()s (server FIN first); client reads to EOF, then closes.',
    request: 200,
    response: 2000,
  },
  'half-close': {
    description:
      'Client sends 500 bytes then end() (half-close: FIN while still reading); server reads to EOF, then sends 1000 bytes and end()s; client reads the 1000 bytes to EOF.',
    request: 500,
    response: 1000,
  },
  'half-close-slow-answer': {
    description:
      'Like half-close, but the server waits 200 ms after EOF before answering, so the delayed ACK of the client FIN (Linux enters delayed-ACK "pingpong" mode on FIN in ESTABLISHED) shows up as a separate pure ACK ~40 ms after the FIN. Extra golden, not part of the original five.',
    request: 500,
    response: 1000,
    answerDelayMs: 200,
  },
  'two-requests': {
    description:
      'Keep-alive: client sends a 200-byte request, server answers 2000 bytes in one write; once it has all 2000 the client sends a second 200-byte request and the server again answers 2000 in one write; client closes after the second answer, server closes on the client FIN. By the second answer both ends are in delayed-ACK ("pingpong") mode, so nothing ACKs the first 1448 at once: Linux still sends the 552-byte tail straight after it, because its Nagle test (tcp_nagle_check, Minshall) holds a small segment only while an earlier small one is unacknowledged.',
    request: 200,
    response: 2000,
    requests: 2,
  },
  'rst-closed-port': {
    description: 'Client connects to 10.99.0.2:8081 where nothing listens: SYN answered by RST/ACK (ECONNREFUSED).',
    request: 0,
    response: 0,
  },
  'bulk-100k': {
    description:
      'Client sends a 10-byte request; server writes 100,000 bytes in one write(); client closes after reading all of it; server closes when it sees the client FIN.',
    request: 10,
    response: 100000,
  },
};

/** Deterministic payload: byte i = (seed + i) & 0xff, printable-ish. */
export function payload(len, seed) {
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = 0x41 + ((seed + i) % 26);
  return b;
}
