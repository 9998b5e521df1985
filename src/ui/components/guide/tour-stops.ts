/**
 * The "start here" tour: a handful of stops through the default scenario, each
 * at the first step demonstrating a claim (found from the run, so the tour
 * stays right when the simulation changes), pointing at the view that shows it.
 */
import type { LabRun } from '../../viewmodel/lab-run';

/** One stop of the tour. */
export interface TourStop {
  readonly title: string;
  readonly text: string;
  /** The claim whose first step the stop shows; none for the opening stop. */
  readonly claim?: number;
  /** Where to look: a CSS selector of the panel to highlight. */
  readonly panel: string;
}

/** The scenario the tour walks through. */
export const TOUR_SCENARIO = 'http-transfer';

/** The stops, in order. */
export const TOUR_STOPS: readonly TourStop[] = [
  {
    title: 'One address, several servers',
    text: 'The client talks to one virtual IP address (the DVIPA 10.10.10.10). SYS1 owns it and routes; SYS2 and SYS3 run the target web servers. The dotted arcs are XCF, the sysplex’s internal links.',
    panel: '.topology-panel',
  },
  {
    title: 'The stacks tell the router who listens',
    text: 'Over UDP control sockets, the routing stack tells the routing application which target applications listen on the DVIPA — and keeps that list current.',
    claim: 21,
    panel: '.ladder-panel',
  },
  {
    title: 'Talk first, then decide',
    text: 'The routing application answers the client itself for a few request/response exchanges, then reads a request that tells it which target should serve the client.',
    claim: 3,
    panel: '.narration',
  },
  {
    title: 'The connection moves',
    text: 'The routing stack freezes the connection and sends its TCP state, the application state and the bytes it peeked to the target stack. Open the inspector on this step to compare every TCB field.',
    claim: 2,
    panel: '.inspector',
  },
  {
    title: 'The target accepts',
    text: 'The target application restores the state and says yes; the routing stack updates its connection routing table (CRT) so later segments go to SYS3 over XCF.',
    claim: 26,
    panel: '.tables',
  },
  {
    title: 'The client never noticed',
    text: 'These three checks ran over the whole trace: the client saw one unbroken byte stream (transparency), no byte was lost or doubled (exactly-once), and one stack owned the connection at every instant (one-owner).',
    panel: '.chips',
  },
  {
    title: 'Now break it',
    text: 'Right-click a segment to drop it, a stack to crash it, or a target application to make it refuse: the timeline forks and re-runs from there. Press ? for keyboard shortcuts.',
    panel: '.ladder-panel',
  },
];

/** The step a stop shows: the claim’s first step, the last step for the closing stops, −1 for the first. */
export function stopStep(run: LabRun, index: number): number {
  const stop = TOUR_STOPS[index];
  if (!stop || index === 0) return -1;
  if (stop.claim === undefined) return run.events.length - 1;
  return run.claimSteps.get(stop.claim)?.[0] ?? -1;
}
