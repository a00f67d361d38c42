import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CITATION_INSTRUCTIONS, DEFAULT_SYSTEM_PROMPT } from '../../src/core/ask/prompt';
import { Commands } from '../../src/extension/commands';
import type { AnswerPanel } from '../../src/extension/ask/answer-panel';
import type { RerankSession } from '../../src/extension/session';
import type { Turn } from '../../src/shared/answer-protocol';
import { QUERY, api, workspaceFile } from '../integration/helpers';
import { FAKE_VENDOR, acceptQuickPick, fakeModel, within, type FakeModel } from './lm-helpers';

const ask = () => vscode.commands.executeCommand<Turn | undefined>(Commands.ask);
const settings = () => vscode.workspace.getConfiguration('rerankLens.ask');

describe('Ask with rerankLens.ask.provider = vscode-lm (VS Code 1.117)', () => {
  let fake: FakeModel;
  let session: RerankSession;

  before(async () => {
    await api();
    fake = await fakeModel();
    await settings().update('provider', 'vscode-lm', vscode.ConfigurationTarget.Global);
    session = (await vscode.commands.executeCommand<RerankSession>(Commands.rerank, {
      files: [workspaceFile('dense_results.json'), workspaceFile('sparse_results.json')],
      query: QUERY,
    }))!;
  });
  beforeEach(() => fake.reset());
  after(async () => {
    fake.setModels(undefined);
    await settings().update('provider', undefined, vscode.ConfigurationTarget.Global);
  });

  it('streams the only model\'s answer into the panel, with the top 3 as its documents and no API key', async () => {
    fake.script({ parts: ['Mixtral has ', 'a 32k context ', 'window [1].'], delayMs: 30 });
    const turn = (await ask())!;
    assert.equal(turn.status, 'done', JSON.stringify(turn));
    assert.equal(turn.answer, 'Mixtral has a 32k context window [1].');
    assert.equal(turn.model, 'Fake Model');
    assert.deepEqual(turn.documents.map((d) => d.id), session.documents.slice(0, 3).map((d) => d.id));
    const [request] = fake.requests();
    assert.equal(request.options.requestInitiator, 'rerank-lens.rerank-lens');
    assert.deepEqual(request.messages.map((m) => m.role), ['user', 'user'], 'no system role in vscode.lm: the system prompt is the first user message');
    assert.ok(request.messages[0].text.startsWith(DEFAULT_SYSTEM_PROMPT) && request.messages[0].text.includes(CITATION_INSTRUCTIONS));
    session.documents.slice(0, 3).forEach((d, i) => assert.ok(request.messages[1].text.includes(`[${i + 1}] (id ${d.id})`)));
    assert.ok(request.messages[1].text.endsWith(`Question: ${QUERY}`));
    const { panel } = await api();
    assert.equal(panel.turns.at(-1)?.answer, turn.answer, 'kept in the panel\'s history');
  });

  it('asks which model when there are several, remembers the choice, and "Choose Chat Model" changes it', async () => {
    fake.setModels([{ id: 'fake-a', name: 'Fake A' }, { id: 'fake-b', name: 'Fake B' }]);
    const first = (await acceptQuickPick(ask()))!;
    assert.equal(first.status, 'done', JSON.stringify(first));
    const chosen = fake.requests()[0].model.id;
    assert.ok(['fake-a', 'fake-b'].includes(chosen), chosen);
    assert.equal(first.model, chosen === 'fake-a' ? 'Fake A' : 'Fake B');
    // Remembered: the next question goes straight to it (a quick pick would keep this waiting).
    const second = (await within(ask(), 30_000, 'the second Ask (no quick pick expected)'))!;
    assert.equal(second.status, 'done');
    assert.equal(fake.requests()[1].model.id, chosen);
    const other = chosen === 'fake-a' ? 'fake-b' : 'fake-a';
    assert.equal(await vscode.commands.executeCommand(Commands.pickChatModel, { vendor: FAKE_VENDOR, id: other }), other);
    await within(ask(), 30_000, 'the third Ask');
    assert.equal(fake.requests()[2].model.id, other);
  });

  it('Stop ends a streaming answer at once and keeps what arrived (VS Code 1.117 keeps the model streaming)', async () => {
    fake.script({ parts: ['The answer so far. '], hang: true, hangMs: 60_000 });
    const pending = ask();
    await fake.waitFor((r) => r.partsSent >= 1);
    const { panel } = await api();
    // The part reached the panel before Stop.
    await waitForAnswer(panel, 'The answer so far. ');
    assert.equal(await vscode.commands.executeCommand(Commands.stopAsk), true);
    const turn = (await within(pending, 10_000, 'Ask after Stop'))!;
    assert.equal(turn.status, 'stopped');
    assert.equal(turn.answer, 'The answer so far. ');
    assert.equal(fake.requests()[0].outcome, 'streaming', 'the provider was never told (microsoft/vscode#277872): the controller stopped by itself');
  });

  for (const [code, action, words] of [
    ['NoPermissions', 'retry', /did not allow Rerank Lens to use the language model "Fake Model": scripted/],
    ['Blocked', 'retry', /"Fake Model" refused the request: scripted/],
    ['NotFound', 'pickModel', /"Fake Model" is not available any more: scripted/],
  ] as const) {
    it(`shows a LanguageModelError ${code} in the panel with the partial answer and a ${action} button`, async () => {
      fake.script({ parts: ['Partial. '], delayMs: 100, error: code, errorMessage: `scripted ${code}` });
      const turn = (await ask())!;
      assert.equal(turn.status, 'error');
      assert.match(turn.error!.message, words);
      assert.equal(turn.error!.action, action);
      assert.equal(turn.answer, 'Partial. ');
    });
  }

  it('without any model, says so in the panel and offers the OpenAI-compatible setup', async () => {
    fake.setModels([]);
    const turn = (await ask())!;
    assert.equal(turn.status, 'error');
    assert.match(turn.error!.message, /No language model is available in VS Code/);
    assert.equal(turn.error!.action, 'useOpenAI');
    assert.equal(fake.requests().length, 0);
  });
});

/** Waits until the streaming turn's live answer (what the panel was sent so far) is `text`. */
async function waitForAnswer(panel: AnswerPanel, text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const turn = panel.turns.at(-1);
    if (turn?.status === 'streaming' && panel.answerOf(turn.id) === text) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the panel never showed "${text}" while streaming`);
}
