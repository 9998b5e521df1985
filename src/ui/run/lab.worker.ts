/**
 * The simulation runs here, off the page's thread: the page stays responsive
 * while a large scenario computes, and the simulation's code (machines,
 * scenarios, checkers) is not part of what a first visit must download before
 * anything shows. Same deterministic code as Node: same trace hash. The run's
 * analysis is built here too (run-answer.ts), so the page does not decode
 * every packet again before its first paint.
 */
import { answerRequest, type RunAnswer, type RunRequest } from './run-answer';

const scope = self as unknown as { onmessage: ((e: MessageEvent<RunRequest>) => void) | null; postMessage: (answer: RunAnswer) => void };

scope.onmessage = (e) => scope.postMessage(answerRequest(e.data));
