/**
 * Test helper: run tshark on a pcap. tshark is a hard requirement of the test
 * suite (CI installs it); without it these helpers fail with a message that
 * names the package, so a tshark test can never pass vacuously.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Path of the tshark binary, or a thrown error telling how to install it. */
export function tsharkPath(): string {
  const candidates = [process.env.TSHARK_PATH, '/usr/bin/tshark', '/usr/local/bin/tshark'].filter((p): p is string => !!p);
  for (const p of candidates) {
    try {
      execFileSync(p, ['--version'], { stdio: 'ignore' });
      return p;
    } catch {
      // try the next candidate
    }
  }
  throw new Error("tshark not found: install the Debian package 'tshark' (DEBIAN_FRONTEND=noninteractive apt-get install -y tshark) or set TSHARK_PATH");
}

/** Write `bytes` to a fresh temporary file and return its path. */
export function writeTemp(name: string, bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-lab-'));
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** Run tshark with checksum validation on and return its stdout. */
export function tshark(pcapFile: string, args: readonly string[]): string {
  return execFileSync(
    tsharkPath(),
    ['-r', pcapFile, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', ...args],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}

/** One line per frame with the given fields, tab-separated. */
export function tsharkFields(pcapFile: string, fields: readonly string[], filter?: string, extra: readonly string[] = []): string[][] {
  const args = [...extra, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
  if (filter) args.push('-Y', filter);
  return tshark(pcapFile, args)
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

/**
 * Frames tshark finds broken: a wrong checksum, a malformed packet, or an
 * expert message of severity error. TCP analysis warnings (a lost segment, a
 * retransmission) are not breakage: scenarios with faults show them on purpose.
 */
export function tsharkProblems(pcapFile: string, extra: readonly string[] = []): string[] {
  const filter = 'ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad" || _ws.malformed || _ws.expert.severity >= "error"';
  return tshark(pcapFile, [...extra, '-Y', filter]).split('\n').filter((l) => l.trim().length > 0);
}

/** Number of frames in the file. */
export function tsharkFrameCount(pcapFile: string): number {
  return tsharkFields(pcapFile, ['frame.number']).length;
}
