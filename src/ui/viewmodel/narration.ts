/**
 * One or two plain sentences for every step, and the patent claims it shows.
 * The words come from the trace entry itself, so the narration never says
 * more than the simulation did.
 */
import type { TraceEntry } from '../../sim/core/trace';
import { describePacket } from '../../sim/wire/describe';

/** Plain-language text of a step. */
export function narrate(e: TraceEntry, packetBytes: (id: number) => Uint8Array | undefined): string {
  const packet = (id: number): string => {
    const bytes = packetBytes(id);
    return bytes ? describePacket(bytes) : `packet #${id}`;
  };
  switch (e.kind) {
    case 'packet-send':
      return `${e.node} puts ${packet(e.packetId)} on ${e.iface}.`;
    case 'packet-deliver':
      return `${packet(e.packetId)} reaches ${e.node} (${e.iface}).`;
    case 'packet-drop':
      return `${e.node} drops ${packet(e.packetId)}: ${e.reason}${e.detail ? ` — ${e.detail}` : ''}.`;
    case 'packet-duplicate':
      return `The link duplicates packet #${e.packetId} (copy #${e.copyId}).`;
    case 'state-change':
      if (e.from === '(start)') return `On ${e.node}, the ${e.machine} machine starts in ${e.to}.`;
      return `On ${e.node}, ${e.machine} moves from ${e.from} to ${e.to}${e.cause ? ` (${e.cause})` : ''}.`;
    case 'timer':
      return `On ${e.node}, timer ${e.name} ${e.action === 'fire' ? 'fires' : e.action === 'set' ? 'is set' : 'is cancelled'}.`;
    case 'app':
      return `${e.app} on ${e.node}: ${e.message}.`;
    case 'fault':
      return `Fault: ${e.target} ${e.fault}${e.detail ? ` (${e.detail})` : ''}.`;
    case 'tcp':
      return `TCP on ${e.node} (${e.conn}): ${e.what}${e.detail ? ` — ${e.detail}` : ''}.`;
    case 'crt':
      return `${e.node} ${e.action === 'add' ? 'adds a' : e.action === 'update' ? 're-points its' : 'removes the'} CRT row for ${e.source} → ${e.dest}: DestXCF ${e.destXcf}${e.reason ? ` (${e.reason})` : ''}.`;
    case 'tcb':
      return `${e.node} ${e.action === 'install' ? 'now holds' : e.action === 'export' ? 'freezes and exports' : 'lets go of'} the TCB of ${e.conn} (${e.reason}).`;
    case 'app-bytes':
      return `${e.app} on ${e.node} ${e.direction === 'in' ? 'reads' : 'writes'} bytes ${e.offset}–${e.offset + e.length} of the ${e.stream === 'c2s' ? 'client→server' : 'server→client'} stream.`;
    case 'transfer':
      return `Transfer of ${e.conn}, ${e.phase.replace('-', ' ')} (${e.from} → ${e.to})${e.detail ? `: ${e.detail}` : ''}.`;
  }
}

/** Short text of each patent claim, for the claims panel. */
export const CLAIM_TEXT: Readonly<Record<number, string>> = {
  1: 'Several request/response exchanges, then the connection moves transparently',
  2: 'The target gets the connection state; later segments are routed to it',
  3: 'The routing application picks a target application instance',
  4: 'The target instance must accept before the move',
  5: 'The target instance is a web server',
  6: 'Application state travels with the connection',
  7: 'The target restores the state and carries on',
  8: 'Router and targets are instances of the same application',
  9: 'A dedicated routing application',
  10: 'The connection is moved again, to a second target',
  11: 'Peeked data travels with the connection',
  12: 'The whole protocol over a DVIPA, hop by hop',
  13: 'App state: routing app → routing stack → target stack → target app',
  14: 'The target app answers: accepted or not',
  15: 'On acceptance the routing app closes silently',
  16: 'On refusal, a second target is tried',
  17: 'If none accepts, an application-level error',
  18: 'The routing app opens a control socket to its stack',
  19: 'Each target app opens a control socket to its stack',
  20: 'Opening the control socket identifies the routing app',
  21: 'The routing stack tells the routing app the targets',
  22: 'The routing stack keeps that list up to date',
  23: 'Stacks report when their apps listen on the DVIPA',
  24: 'The control sockets are UDP',
  25: 'The cluster is a sysplex',
  26: 'The routing stack updates its CRT',
  27: 'The transfer message includes the peeked data',
  28: 'System form of claim 1',
  29: 'System form of claim 12',
  30: 'Program product form of claim 1',
  31: 'Program product form of claim 12',
};
