#!/usr/bin/env node
// Node `net` client for one golden exchange. Run inside the client namespace:
//   ip netns exec hl-cli node scripts/linux-goldens/client.mjs <mode>
// No socket options are touched (Nagle on, default buffers, no keepalive).
import net from 'node:net';
import { EXCHANGES, SERVER_IP, PORT, CLOSED_PORT, payload } from './exchanges.mjs';

const mode = process.argv[2];
const ex = EXCHANGES[mode];
if (!ex) {
  console.error(`client.mjs: unknown mode ${mode}`);
  process.exit(2);
}
const log = (m) => console.log(`[client ${mode}] ${m}`);
const hardStop = setTimeout(() => {
  console.error('client.mjs: timeout');
  process.exit(3);
}, 15000);

if (mode === 'rst-closed-port') {
  const sock = net.connect({ host: SERVER_IP, port: CLOSED_PORT });
  sock.on('connect', () => {
    log('unexpectedly connected');
    process.exitCode = 1;
    sock.destroy();
  });
  sock.on('error', (e) => {
    log(`error ${e.code}`);
    process.exitCode = e.code === 'ECONNREFUSED' ? 0 : 1;
  });
  sock.on('close', () => clearTimeout(hardStop));
} else {
  const halfClose = mode === 'half-close' || mode === 'half-close-slow-answer';
  const sock = net.connect({ host: SERVER_IP, port: PORT, allowHalfOpen: halfClose });
  const requests = ex.requests ?? 1; // keep-alive: the next request goes out once the previous answer is in
  let sent = 1;
  let got = 0;
  sock.on('connect', () => {
    sock.write(payload(ex.request, 3));
    log(`sent ${ex.request}`);
    if (halfClose) {
      sock.end();
      log('end() (half-close)');
    }
  });
  sock.on('data', (d) => {
    got += d.length;
    if (sent < requests && got >= sent * ex.response) {
      sock.write(payload(ex.request, 3 + sent));
      sent++;
      log(`sent request ${sent} (${ex.request})`);
      return;
    }
    if ((mode === 'request-response-client-close' || mode === 'bulk-100k' || mode === 'two-requests') && got >= ex.response * requests) {
      log(`read all ${got}; end()`);
      sock.end();
    }
  });
  sock.on('end', () => {
    log(`peer FIN after ${got} bytes`);
    if (mode === 'server-close-first') sock.end();
  });
  sock.on('error', (e) => log(`error ${e.code}`));
  sock.on('close', () => {
    log('closed');
    clearTimeout(hardStop);
    process.exitCode = got === ex.response * requests ? 0 : 1;
  });
}
