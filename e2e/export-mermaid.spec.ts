// The Mermaid export is judged by Mermaid itself: the sequence diagrams
// generated (in this Node process) for several scenarios are parsed by the
// real mermaid 11 bundle in Chromium — it needs a DOM, so not under Vitest —
// and one is drawn, to check that escaped labels come out as the ladder's
// text. A deliberately malformed diagram must be rejected, so the check can fail.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { mermaidSequence } from '../src/ui/export/mermaid';
import { runLab, type LabRun } from '../src/ui/viewmodel/lab-run';

const MERMAID_BUNDLE = join(process.cwd(), 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');

function labRun(scenario: string, seed = 1): LabRun {
  const result = runLab(scenario, seed);
  if (!result.ok) throw new Error(result.error);
  return result.run;
}

interface MermaidApi {
  initialize(config: object): void;
  parse(text: string): Promise<unknown>;
  render(id: string, text: string): Promise<{ svg: string }>;
}

/** A blank page with mermaid loaded, and nothing else of the lab. */
async function mermaidPage(page: Page): Promise<void> {
  await page.setContent('<!doctype html><html lang="en"><head><title>mermaid</title></head><body></body></html>');
  await page.addScriptTag({ path: MERMAID_BUNDLE });
  await page.evaluate(() => (globalThis as unknown as { mermaid: MermaidApi }).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
}

/** Parse each text with mermaid in the page: null when it parses, else the error. */
async function parseAll(page: Page, texts: readonly string[]): Promise<(string | null)[]> {
  return page.evaluate(async (all) => {
    const mermaid = (globalThis as unknown as { mermaid: MermaidApi }).mermaid;
    const out: (string | null)[] = [];
    for (const text of all) {
      try {
        await mermaid.parse(text);
        out.push(null);
      } catch (e) {
        out.push(e instanceof Error ? e.message : String(e));
      }
    }
    return out;
  }, texts);
}

test('mermaid parses the ladder exports of several scenarios and rejects a malformed diagram', async ({ page }) => {
  const http = labRun('http-transfer');
  const texts: Record<string, string> = {
    'http-transfer': mermaidSequence(http),
    'smtp-transfer': mermaidSequence(labRun('smtp-transfer')),
    're-transfer': mermaidSequence(labRun('re-transfer')),
    'lossy-link': mermaidSequence(labRun('lossy-link')),
    'lossy-link, seed 5': mermaidSequence(labRun('lossy-link', 5)),
    'sysplex-swarm (focused, bounded)': mermaidSequence(labRun('sysplex-swarm'), { maxMessages: 300 }),
    'http-transfer, mid-run': mermaidSequence(http, { step: 120 }),
    'hostile title': mermaidSequence({ ...http, title: 'Evil; # title: <b>x</b>\n  participant evil as Evil\r\n%%{init}%% end' }),
  };
  const malformed = 'sequenceDiagram\n  participant p0_a as A\n  p0_a->>: a message without a receiver\n';
  await mermaidPage(page);
  const results = await parseAll(page, [...Object.values(texts), malformed]);
  const verdicts = Object.fromEntries(Object.keys(texts).map((name, i) => [name, results[i]]));
  expect(verdicts).toEqual(Object.fromEntries(Object.keys(texts).map((name) => [name, null])));
  expect(results.at(-1)).toMatch(/Parse error/);
});

test('mermaid draws the http-transfer export with one message per packet and the labels unescaped', async ({ page }) => {
  const run = labRun('http-transfer');
  const text = mermaidSequence(run);
  const hops = run.events.filter((e) => e.kind === 'packet-send' || e.kind === 'packet-duplicate').length;
  await mermaidPage(page);
  await page.evaluate(async (t) => {
    const { svg } = await (globalThis as unknown as { mermaid: MermaidApi }).mermaid.render('ladder', t);
    document.body.innerHTML = svg;
  }, text);
  const messages = page.locator('svg text.messageText');
  await expect(messages).toHaveCount(hops);
  // Entity codes come back as the characters: "WEB2:80", "[SYN, ACK]".
  await expect(messages.filter({ hasText: /^\[SYN, ACK\] Seq=0 Ack=1 / }).first()).toBeAttached();
  await expect(messages.filter({ hasText: /LISTEN_NOTICE WEB2:80 listening/ }).first()).toBeAttached();
  await expect(page.locator('svg text.actor').filter({ hasText: 'SYS1 (routing stack)' }).first()).toBeAttached();
});
