/** The built-in scenarios, by id. */
import { lossyLink, requestResponse, rstClosedPort, simultaneousClose, zeroWindow } from './tcp-scenarios';
import type { AnyScenario } from './types';
import { scale1000 } from './scale';
import { swarmScenario } from './swarm';
import { sysplexSwarmScenario } from './sysplex-swarm';
import { allReject, freezeWindow, httpTransfer, peekedData, reTransfer, rejectSecondTarget, sameApplication, smtpTransfer, targetCrash } from './sysplex-scenarios';
import { synBaseWlm, synHotStandby, synRoundRobin, synServerWlm, synWeightedActive, takeback, takeover } from './zos-scenarios';
import { takeoverSwarmScenario } from './takeover-swarm';
import { udpEchoScenario } from './udp-echo';

/** Every built-in scenario, in the order `--list` shows them. */
export const BUILT_IN_SCENARIOS: readonly AnyScenario[] = [
  httpTransfer,
  smtpTransfer,
  rejectSecondTarget,
  allReject,
  reTransfer,
  peekedData,
  sameApplication,
  freezeWindow,
  targetCrash,
  synRoundRobin,
  synWeightedActive,
  synBaseWlm,
  synServerWlm,
  synHotStandby,
  requestResponse, lossyLink, zeroWindow, rstClosedPort, simultaneousClose, udpEchoScenario, swarmScenario, sysplexSwarmScenario,
  takeover,
  takeback,
  takeoverSwarmScenario,
  scale1000];

/** The scenario with this id, or undefined. */
export function findScenario(id: string): AnyScenario | undefined {
  return BUILT_IN_SCENARIOS.find((s) => s.id === id);
}
