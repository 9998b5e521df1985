#!/usr/bin/env node
// Node `net` server for one golden exchange. Run inside the server namespace:
//   ip netns exec hl-srv node scripts/linux-goldens/server.mjs <mode>
// Prints "LISTENING" once bound, handles exactly one connection, then exits.
// No socket options are touched (Nagle on, default buffers, no keepalive).
import net from 'node:net';
import { EXCHANGES, SERVER_IP, PORT, payload } from './exchanges.mjs';

const mode = process.argv[2];
const ex = EXCHANGES[mode];
if (!ex || mode === 'rst-closed-port') {
  console.error(`server.mjs: no server for mode ${mode}`);
  process.exit(2);
}
const log = (m) => console.log(`[server ${mode}] ${m}`);
const hardStop = setTimeout(() => {
  console.error('server.mjs: timeout');
  process.exit(3);
}, 15000);

// allowHalfOpen is a Node-level behaviour flag (whether Node auto-end()s on
// peer FIN), not a socket option. Only the half-close exchange needs it.
const halfClose = mode === 'half-close' || mode === 'half-close-slow-answer';
const server = net.createServer({ allowHalfOpen: halfClose }, (sock) => {
  server.close(); // one connection only; stop listening
  let got = 0;
  let answered = 0; // answers written; keep-alive exchanges (ex.requests > 1) answer each request
  const requests = ex.requests ?? 1;
  const answer = () => {
    if (answered >= requests) return;
    answered++;
    const body = payload(ex.response, 7);
    if (mode === 'server-close-first') {
      sock.write(body);
      sock.end();
      log(`wrote ${body.length} and end()`);
    } else if (halfClose) {
      sock.write(body);
      sock.end();
      log(`peer half-closed after ${got}; wrote ${body.length} and end()`);
    } else {
      sock.write(body);
      log(`wrote ${body.length}`);
    }
  };
  sock.on('data', (d) => {
    got += d.length;
    if (!halfClose && got >= (answered + 1) * ex.request) answer();
  });
  sock.on('end', () => {
    log(`peer FIN after ${got} bytes`);
    if (halfClose) setTimeout(answer, ex.answerDelayMs ?? 0);
    else sock.end();
  });
  sock.on('error', (e) => log(`error ${e.code}`));
  sock.on('close', () => {
    log('closed');
    clearTimeout(hardStop);
    process.exitCode = got === ex.request * requests ? 0 : 1;
  });
});
server.on('error', (e) => {
  console.error(`server.mjs: ${e.message}`);
  process.exit(4);
});
server.listen(PORT, SERVER_IP, () => log('LISTENING'));
