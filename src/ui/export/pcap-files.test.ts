/**
 * The pcap export equals what `npm run sim -- --pcap-dir` writes: the same
 * capture points, names and bytes, computed here from the scenario's own Trace
 * as the CLI does. tshark reads every file with checksum validation on and
 * finds no bad checksum and no malformed packet.
 */
import { describe, expect, it } from 'vitest';
import { captureRecords, capturePoints } from '../../sim/net/capture';
import { writePcap } from '../../sim/wire/pcap';
import { loadBuiltIn } from '../../scenarios/load';
import { tsharkFrameCount, tsharkProblems, writeTemp } from '../../sim/test/tshark';
import { runLab, type LabRun } from '../viewmodel/lab-run';
import { captureFileName, pcapFiles } from './pcap-files';

function labRun(scenario: string): LabRun {
  const result = runLab(scenario, 1);
  if (!result.ok) throw new Error(result.error);
  return result.run;
}

/** The CLI's path: load the built-in, run it, capture from the run's Trace. */
function cliFiles(scenario: string): { name: string; bytes: Uint8Array }[] {
  const loaded = loadBuiltIn(scenario, 1);
  if (!loaded.ok) throw new Error(loaded.error);
  const trace = loaded.value.scenario.run(loaded.value.params as never, 1).sim.trace;
  return capturePoints(trace).map((point) => ({ name: `${point.replace('/', '-')}.pcap`, bytes: writePcap(captureRecords(trace, point)) }));
}

describe('pcapFiles', () => {
  for (const scenario of ['http-transfer', 'lossy-link']) {
    it(`gives the CLI’s files for ${scenario}, byte for byte`, () => {
      const files = pcapFiles(labRun(scenario));
      const expected = cliFiles(scenario);
      expect(files.map((f) => f.name)).toEqual(expected.map((f) => f.name));
      files.forEach((f, i) => expect(Buffer.from(f.bytes).equals(Buffer.from(expected[i]?.bytes ?? []))).toBe(true));
    });
  }

  it('writes one file per capture point of http-transfer: client, router, routing and target stacks, XCF', () => {
    const names = pcapFiles(labRun('http-transfer')).map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('client1-eth0.pcap');
    for (const stack of ['SYS1', 'SYS2', 'SYS3']) expect(names.some((n) => n.startsWith(`${stack}-`))).toBe(true);
    expect(names.some((n) => /xcf/.test(n))).toBe(true);
  });

  it('writes files tshark reads with valid checksums and no malformed packet', () => {
    const r = labRun('http-transfer');
    const files = pcapFiles(r);
    // One tshark run per file: each takes most of a second on a small machine.
    for (const file of files) expect(tsharkProblems(writeTemp(file.name, file.bytes)), file.name).toEqual([]);
    // And tshark reads every frame of the client's capture and an XCF one: the files are whole.
    for (const file of files.filter((f) => f.name === 'client1-eth0.pcap' || f.name.includes('xcf')).slice(0, 2)) {
      const point = file.name.replace(/\.pcap$/, '').replace('-', '/');
      const packets = new Set(r.events.flatMap((e) => ((e.kind === 'packet-send' || e.kind === 'packet-deliver') && `${e.node}/${e.iface}` === point ? [e.packetId] : [])));
      expect(tsharkFrameCount(writeTemp(file.name, file.bytes)), file.name).toBe(packets.size);
    }
  });

  it('names a file after its capture point', () => {
    expect(captureFileName('SYS1/xcf0')).toBe('SYS1-xcf0.pcap');
  });
});
