import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CITATION_INSTRUCTIONS, DEFAULT_SYSTEM_PROMPT } from '../../src/core/ask/prompt';
import { Commands } from '../../src/extension/commands';
import type { RerankSession } from '../../src/extension/session';
import type { Turn } from '../../src/shared/answer-protocol';
import { DEFAULT_REPLY, startOpenAIServer, type OpenAIServer } from '../support/openai-server';
import { QUERY, api, workspaceFile } from './helpers';

const KEY = 'sk-rerank-lens-test-7f3a9c1e5b';
const ask = () => vscode.commands.executeCommand<Turn>(Commands.ask);

describe('Ask in the extension host', () => {
  let server: OpenAIServer;
  let session: RerankSession;
  const settings = vscode.workspace.getConfiguration('rerankLens.ask');

  before(async () => {
    await api();
    server = await startOpenAIServer({ apiKey: KEY });
    await settings.update('baseURL', server.url, vscode.ConfigurationTarget.Global);
    await settings.update('model', 'test-model', vscode.ConfigurationTarget.Global);
    session = (await vscode.commands.executeCommand<RerankSession>(Commands.rerank, {
      files: [workspaceFile('dense_results.json'), workspaceFile('sparse_results.json')],
      query: QUERY,
    }))!;
    await vscode.commands.executeCommand(Commands.setApiKey, KEY);
  });
  beforeEach(() => server.reset());
  after(async () => {
    await settings.update('baseURL', undefined, vscode.ConfigurationTarget.Global);
    await settings.update('model', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand(Commands.clearApiKey);
    await server.close();
  });

  it('sends the query and the top 3 documents, and streams the reply into the panel', async () => {
    const turn = await ask();
    assert.equal(turn.status, 'done');
    assert.equal(turn.answer, DEFAULT_REPLY);
    assert.deepEqual(turn.documents.map((d) => d.id), session.documents.slice(0, 3).map((d) => d.id));

    const [request] = server.chatRequests();
    assert.equal(request.headers.authorization, `Bearer ${KEY}`);
    assert.equal(request.body?.model, 'test-model');
    assert.equal(request.body?.stream, true);
    const [system, user] = request.body!.messages!;
    assert.equal(system.role, 'system');
    assert.ok(String(system.content).startsWith(DEFAULT_SYSTEM_PROMPT) && String(system.content).includes(CITATION_INSTRUCTIONS));
    const content = String(user.content);
    session.documents.slice(0, 3).forEach((d, i) => assert.ok(content.includes(`[${i + 1}] (id ${d.id})`) && content.includes(d.text)));
    assert.ok(!content.includes(session.documents[3].text), 'only the top 3 are sent');
    assert.ok(content.endsWith(`Question: ${QUERY}`));

    const { panel } = await api();
    assert.equal(panel.turns.at(-1)?.answer, DEFAULT_REPLY, 'the answer is kept in workspaceState');
    const html = panel.webview!.html;
    assert.match(html, /default-src 'none'/);
    assert.match(html, /connect-src 'none'/);
    assert.match(html, /script-src 'nonce-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(html, /<script(?![^>]*nonce=)/, 'every script has the nonce');
  });

  it('shows a rejected key in the panel with a Set API Key action', async () => {
    server.reply('unauthorized');
    const turn = await ask();
    assert.equal(turn.status, 'error');
    assert.equal(turn.error?.action, 'setKey');
    assert.match(turn.error!.message, /401/);
    assert.match(turn.error!.message, /Set API Key/);
  });

  it('keeps the partial reply when the stream is cut halfway', async () => {
    server.reply({ kind: 'cut', afterChunks: 4 });
    const turn = await ask();
    assert.equal(turn.status, 'error');
    assert.equal(turn.error?.action, 'retry');
    assert.ok(turn.answer.length > 0 && DEFAULT_REPLY.startsWith(turn.answer) && turn.answer.length < DEFAULT_REPLY.length, turn.answer);
  });

  it('reports a rate limit with the server\'s retry-after', async () => {
    server.setScenario({ kind: 'rate-limit', retryAfter: 7 });
    try {
      const turn = await ask();
      assert.equal(turn.status, 'error');
      assert.match(turn.error!.message, /429|rate limit/i);
      assert.match(turn.error!.message, /7 s|7 second/);
    } finally {
      server.setScenario(undefined);
    }
  });

  it('names an unknown model and offers the settings', async () => {
    await settings.update('model', 'no-such-model', vscode.ConfigurationTarget.Global);
    try {
      const turn = await ask();
      assert.equal(turn.error?.action, 'openSettings');
      assert.match(turn.error!.message, /no-such-model/);
    } finally {
      await settings.update('model', 'test-model', vscode.ConfigurationTarget.Global);
    }
  });

  it('stops a streaming reply and keeps what arrived', async () => {
    server.reply({ kind: 'reply', delayMs: 150 });
    const pending = ask();
    const [request] = await server.waitForChatRequests(1);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await vscode.commands.executeCommand(Commands.stopAsk), true);
    const turn = await pending;
    assert.equal(turn.status, 'stopped');
    assert.ok(turn.answer.length < DEFAULT_REPLY.length, 'stopped before the end');
    assert.equal(await request.closed, 'client-closed', 'the HTTP request was really aborted');
  });

  it('says when the endpoint cannot be reached', async () => {
    const down = await startOpenAIServer();
    const url = down.url;
    await down.close();
    await settings.update('baseURL', url, vscode.ConfigurationTarget.Global);
    try {
      const turn = await ask();
      assert.equal(turn.status, 'error');
      assert.ok(turn.error!.message.includes(new URL(url).host), turn.error!.message);
      assert.equal(turn.error?.action, 'openSettings');
    } finally {
      await settings.update('baseURL', server.url, vscode.ConfigurationTarget.Global);
    }
  });

  it('ignores a workspace that tries to redirect the key to another host', async () => {
    const inspected = settings.inspect<string>('baseURL');
    assert.equal(inspected?.globalValue, server.url);
    // application-scoped: VS Code refuses to write it to the workspace at all.
    await assert.rejects(Promise.resolve(settings.update('baseURL', 'http://127.0.0.1:1/v1', vscode.ConfigurationTarget.Workspace)));
    assert.equal((await ask()).status, 'done');
    assert.equal(server.chatRequests().length, 1);
  });

  it('with rerankLens.ask.provider = vscode-lm and no language model in VS Code, says so and offers the OpenAI-compatible setup', async () => {
    // VS Code 1.100 here, with no extension providing chat models: vscode.lm exists and offers none.
    assert.deepEqual(await vscode.lm.selectChatModels(), []);
    await settings.update('provider', 'vscode-lm', vscode.ConfigurationTarget.Global);
    try {
      const turn = await ask();
      assert.equal(turn.status, 'error');
      assert.match(turn.error!.message, /No language model is available in VS Code.*rerankLens\.ask\.provider to "openai"/);
      assert.equal(turn.error!.action, 'useOpenAI');
      assert.equal(server.chatRequests().length, 0, 'nothing went to the OpenAI-compatible server');
    } finally {
      await settings.update('provider', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal((await ask()).status, 'done', 'back on the OpenAI-compatible API');
  });

  it('never writes the key to the log, settings, the webview or its state', async () => {
    server.reply('unauthorized');
    await ask();
    const { panel, storage } = await api();
    const logs = await filesUnder(vscode.Uri.joinPath(storage.logUri, '..').fsPath);
    const logText = (await Promise.all(logs.map((f) => readFile(f, 'utf8')))).join('\n');
    assert.match(logText, /Asking test-model at /, 'the Rerank Lens log was found and read');
    assert.ok(!logText.includes(KEY), 'no key in the logs');
    const userDir = vscode.Uri.joinPath(storage.globalStorageUri, '..', '..').fsPath;
    const settingsText = await readFile(join(userDir, 'settings.json'), 'utf8');
    assert.match(settingsText, /rerankLens\.ask\.baseURL/, 'the user settings file was read');
    assert.ok(!settingsText.includes(KEY), 'no key in settings');
    assert.ok(!panel.webview!.html.includes(KEY), 'no key in the webview');
    assert.ok(!JSON.stringify(panel.turns).includes(KEY), 'no key in the panel state');
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('rerankLens')).includes(KEY));
  });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.log') ? [join(dir, e.name)] : []))),
  );
  return nested.flat();
}
