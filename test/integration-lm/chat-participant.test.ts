import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CITATION_INSTRUCTIONS, DEFAULT_SYSTEM_PROMPT } from '../../src/core/ask/prompt';
import type { RerankChatMetadata } from '../../src/extension/chat/chat-deps';
import { Commands } from '../../src/extension/commands';
import type { RerankSession } from '../../src/extension/session';
import { QUERY, api, assertSameSession, workspaceFile } from '../integration/helpers';
import { FAKE_VENDOR, acceptQuickPick, chat, dismissQuickPick, fakeModel, newChat, transcript, waitFor, type FakeModel } from './lm-helpers';

const EXTENSION = 'rerank-lens.rerank-lens';
const meta = (result: vscode.ChatResult) => result.metadata as RerankChatMetadata;
const ANSWER = ['Mixtral handles a context ', 'of 32k tokens [', '1] and routes each token ', 'to 2 experts [2][3].'];

async function writeJson(name: string, value: unknown): Promise<vscode.Uri> {
  const uri = workspaceFile(name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(value, null, 2)));
  return uri;
}

/** Makes `files` the participant's current files (and their rerank the current results), through the Rerank command. */
async function useFiles(files: vscode.Uri[], query = 'warm up', queryIndex?: number): Promise<RerankSession> {
  return (await vscode.commands.executeCommand<RerankSession>(Commands.rerank, { files, query, queryIndex }))!;
}

/** The sample results reranked for the notebook's query, unless some results are there already. */
async function someResults(): Promise<RerankSession> {
  return (await api()).current() ?? useFiles([workspaceFile('dense_results.json'), workspaceFile('sparse_results.json')], QUERY);
}

/** Polls the Rerank Lens log (written by the extension host, flushed now and then) for `pattern`. */
async function logged(pattern: RegExp): Promise<string> {
  const { storage } = await api();
  const file = vscode.Uri.joinPath(storage.logUri, 'Rerank Lens.log');
  return waitFor(async () => {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file).then(undefined, () => new Uint8Array()));
    return pattern.exec(text)?.[0];
  }, `${pattern} in the log`, 15_000);
}

describe('the @rerank chat participant (VS Code 1.117, the fake model as the chat\'s model)', () => {
  let fake: FakeModel;

  before(async () => {
    await api();
    fake = await fakeModel();
  });
  beforeEach(async () => {
    fake.reset();
    await newChat();
  });

  it('with no results files yet, offers the pick, reranks them against the question and answers from the top 3', async () => {
    // This file runs first (mocha loads the suite's files in name order): no results and no files chosen yet.
    assertSameSession((await api()).current(), undefined, 'nothing reranked before this test');
    fake.script({ parts: ANSWER, delayMs: 20 });
    const result = await acceptQuickPick(chat(`@rerank ${QUERY}`));
    assert.equal(result.errorDetails, undefined, JSON.stringify(result));
    const session = (await api()).current()!;
    assert.equal(session.query, QUERY, 'the question is the rerank query');
    assert.deepEqual(session.fileNames, ['dense_results.json', 'sparse_results.json'], 'the pre-selected files were reranked');
    const top = session.documents.slice(0, 3);
    assert.deepEqual(meta(result), {
      command: 'answer',
      outcome: 'answered',
      query: QUERY,
      documents: top.map((d) => d.id),
      model: `${FAKE_VENDOR}/fake-model`,
      scored: { done: 16, total: 16 },
    });

    const [request] = fake.requests();
    assert.equal(request.options.requestInitiator, EXTENSION, 'the request came from Rerank Lens');
    assert.deepEqual(request.messages.map((m) => m.role), ['user', 'user'], 'the system prompt goes first, as a user message');
    assert.ok(request.messages[0].text.startsWith(DEFAULT_SYSTEM_PROMPT) && request.messages[0].text.includes(CITATION_INSTRUCTIONS));
    const context = request.messages[1].text;
    top.forEach((d, i) => assert.ok(context.includes(`[${i + 1}] (id ${d.id})`) && context.includes(d.text), `document ${i + 1}`));
    assert.ok(!context.includes(session.documents[3].text), 'only the top 3 are sent');
    assert.ok(context.endsWith(`Question: ${QUERY}`));

    const text = await transcript();
    process.stdout.write(`      transcript:\n${text.replace(/^/gm, '        | ')}\n`);
    assert.match(text, new RegExp(`^User: @rerank ${QUERY}`));
    assert.match(text, /Reranked 16 chunks of `dense_results\.json`, `sparse_results\.json` in \d+\.\d\d s \(tiny, fp32\)\. Answering from the top 3\./);
    // Each [n] is a link that opens chunk n (by id): the same read-only document the tree opens.
    const link = (n: number) => `[\\[${n}\\]](command:${Commands.openChunk}?${encodeURIComponent(JSON.stringify({ id: top[n - 1].id }))})`;
    assert.ok(text.includes(`Mixtral handles a context of 32k tokens ${link(1)} and routes each token to 2 experts ${link(2)}${link(3)}.`), text);
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>(Commands.openChunk, { id: top[1].id });
    assert.equal(editor.document.uri.scheme, 'rerank-lens-chunk');
    assert.ok(editor.document.getText().includes(top[1].text), 'the chunk document holds the whole text');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('/rerank <query> lists the top 3 with their scores and asks no model', async () => {
    await someResults();
    const query = 'How many experts does the router pick?';
    const result = await chat(`@rerank /rerank ${query}`);
    assert.equal(result.errorDetails, undefined, JSON.stringify(result));
    const session = (await api()).current()!;
    assert.equal(session.query, query);
    assert.deepEqual(meta(result).documents, session.documents.slice(0, 3).map((d) => d.id));
    assert.equal(meta(result).outcome, 'reranked');
    assert.equal(fake.requests().length, 0, 'no language model request');
    const text = await transcript();
    process.stdout.write(`      transcript:\n${text.replace(/^/gm, '        | ')}\n`);
    session.documents.slice(0, 3).forEach((d, i) => {
      const row = text.split('\n').find((line) => line.startsWith(`${i + 1}. `)) ?? '';
      assert.ok(row.startsWith(`${i + 1}. **${d.score.toFixed(2)}** `), `row ${i + 1}: ${row}`);
      assert.ok(row.includes(`](command:${Commands.openChunk}?${encodeURIComponent(JSON.stringify({ id: d.id }))})`), `row ${i + 1} links its chunk: ${row}`);
    });
    assert.match(text, /13 more below the top 3\./);
  });

  it('/ask <question> answers from the current top 3 without reranking again', async () => {
    const before = await someResults();
    fake.script('From the chunks: eight experts, two per token [1].');
    const question = 'And how many are active per token?';
    const result = await chat(`@rerank /ask ${question}`);
    assert.equal(result.errorDetails, undefined, JSON.stringify(result));
    assertSameSession((await api()).current(), before, 'the same results: nothing was reranked');
    assert.deepEqual(meta(result).documents, before.documents.slice(0, 3).map((d) => d.id));
    const [request] = fake.requests();
    assert.ok(request.messages[1].text.endsWith(`Question: ${question}`));
    before.documents.slice(0, 3).forEach((d) => assert.ok(request.messages[1].text.includes(d.text)));
    assert.match(await transcript(), /From the chunks: eight experts, two per token/);
  });

  it('keeps Markdown images in the answer as text (the chat would fetch them; chunks can steer the model)', async () => {
    await someResults();
    fake.script({ parts: ['Look: !', '[pixel](http://127.0.0.1:9/leak?d=secret) and ![b]', '(http://127.0.0.1:9/b) [1]'] });
    const result = await chat('@rerank /ask What is context size of Mixtral?');
    assert.equal(result.errorDetails, undefined, JSON.stringify(result));
    const text = await transcript();
    assert.ok(text.includes('Look: !\\[pixel](http://127.0.0.1:9/leak?d=secret) and !\\[b](http://127.0.0.1:9/b) [\\[1\\]](command:'), text);
  });

  it('/files chooses the results files the next @rerank reads', async () => {
    const result = await acceptQuickPick(chat('@rerank /files'));
    assert.equal(meta(result).outcome, 'files-chosen', JSON.stringify(result));
    assert.match(await transcript(), /The next reranks read `dense_results\.json`, `sparse_results\.json`\./);
  });

  it('/files dismissed says so and keeps the files', async () => {
    const before = await someResults();
    const result = await dismissQuickPick(chat('@rerank /files'));
    assert.match(result.errorDetails?.message ?? '', /No results files were chosen; the next rerank uses the files it used before\./, JSON.stringify(result));
    fake.script('ok');
    const again = await chat(`@rerank ${QUERY}`);
    assert.equal(again.errorDetails, undefined, JSON.stringify(again));
    assert.deepEqual((await api()).current()!.fileNames, before.fileNames);
  });

  for (const code of ['NoPermissions', 'Blocked', 'NotFound'] as const) {
    it(`says what a LanguageModelError ${code} means, keeping the partial answer`, async () => {
      await someResults();
      fake.script({ parts: ['A partial answer '], delayMs: 150, error: code, errorMessage: `scripted ${code}` });
      const result = await chat('@rerank /ask What is context size of Mixtral?');
      const expected = { NoPermissions: /did not allow Rerank Lens to use the language model "Fake Model": scripted NoPermissions/, Blocked: /"Fake Model" refused the request: scripted Blocked/, NotFound: /"Fake Model" is not available any more: scripted NotFound/ }[code];
      assert.match(result.errorDetails?.message ?? '', expected, JSON.stringify(result));
      assert.equal(meta(result).outcome, 'failed');
      assert.match(await transcript(), /A partial answer/);
    });
  }

  it('says so, and asks no model, when no chunk clears the threshold settings', async () => {
    await someResults();
    const config = vscode.workspace.getConfiguration('rerankLens');
    await config.update('minScore', 100, vscode.ConfigurationTarget.Global);
    try {
      const result = await chat('@rerank /ask What is context size of Mixtral?');
      assert.match(result.errorDetails?.message ?? '', /no document is above the threshold \(score ≥ 100\).*Lower rerankLens\.minScore/, JSON.stringify(result));
      assert.deepEqual(meta(result).documents, []);
      assert.equal(fake.requests().length, 0);
    } finally {
      await config.update('minScore', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('names a results file that cannot be read, with its position, and keeps the results', async () => {
    const file = await writeJson('chat/chat_results.json', [{ id: 'a', text: 'Mixtral has 8 experts.' }, { id: 'b', text: 'Context is 32k.' }]);
    const good = await useFiles([file]);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('[\n  {"id": "a", "text": "x"}\n  {"id": "b"}\n]\n'));
    const result = await chat(`@rerank ${QUERY}`);
    assert.match(result.errorDetails?.message ?? '', /chat\/chat_results\.json:3:3: .*The Reranked Results view keeps its results\./, JSON.stringify(result));
    assertSameSession((await api()).current(), good, 'the previous results stay');
    assert.equal(fake.requests().length, 0);
    // The link to the error's position (1.117 shows a Location anchor by its file name).
    assert.match(await transcript(), /Open chat_results\.json/);

    // With another file that can be read, that one is reranked and answered from; the bad one is named.
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify([{ id: 'a', text: 'Mixtral has 8 experts.' }])));
    await useFiles([workspaceFile('dense_results.json'), file]);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('[\n  {"id": "a", "text": "x"}\n  {"id": "b"}\n]\n'));
    await newChat();
    fake.script('Answered from the file that could be read.');
    const partly = await chat(`@rerank ${QUERY}`);
    assert.equal(partly.errorDetails, undefined, JSON.stringify(partly));
    assert.deepEqual((await api()).current()!.fileNames, ['dense_results.json']);
    const text = await transcript();
    // The message is Markdown-escaped (file names and JSON are not ours): compare it unescaped.
    assert.match(text.replace(/\\(.)/g, '$1'), /⚠️ Skipped: chat\/chat_results\.json:3:3: invalid JSON: .* chat_results\.json\n/, text);
    assert.match(text, /Answered from the file that could be read\./);
  });

  it('with a file holding one result set per query, offers the sets and reranks the one picked', async () => {
    const chroma = workspaceFile('formats/chroma-query.json'); // Chroma query(): two query texts, two result sets
    await useFiles([chroma], 'warm up', 1);
    fake.script('From the first set.');
    const dismissed = await dismissQuickPick(chat(`@rerank ${QUERY}`));
    assert.match(dismissed.errorDetails?.message ?? '', /No result set was chosen/, JSON.stringify(dismissed));
    assert.equal(fake.requests().length, 0);
    const result = await acceptQuickPick(chat(`@rerank ${QUERY}`));
    assert.equal(result.errorDetails, undefined, JSON.stringify(result));
    const session = (await api()).current()!;
    assert.deepEqual([session.query, session.resultSet?.index, session.resultSet?.of, session.documents.length], [QUERY, 0, 2, 3]);
  });

  it('cancelling while it scores really stops the worker, and nothing is lost', async () => {
    const big = workspaceFile('chat/many_chunks.json');
    const before = await useFiles([await writeJson('chat/many_chunks.json', [{ id: 0, text: 'warm' }])]);
    const words = 'mixture of experts sparse router context window tokens attention layer model '.split(' ');
    // Distinct texts: the score cache scores each distinct text once (12 texts repeated would be done at once).
    const docs = Array.from({ length: 4000 }, (_, i) => ({ id: i, text: `chunk ${i}: ${Array.from({ length: 300 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' ')}` }));
    await vscode.workspace.fs.writeFile(big, new TextEncoder().encode(JSON.stringify(docs)));
    const { engine } = await api();
    const pending = chat(`@rerank ${QUERY}`);
    const started = await waitFor(() => (engine.progress?.phase === 'score' && engine.progress.done > 0 ? engine.progress : undefined), 'scoring progress', 60_000);
    await vscode.commands.executeCommand('workbench.action.chat.cancel');
    const result = await pending;
    await waitFor(() => !engine.busy, 'the worker to stop', 15_000);
    process.stdout.write(`      cancelled after ${started.done} of ${started.total}; result ${JSON.stringify(result)}\n`);
    assert.equal(started.total, 4000);
    assertSameSession((await api()).current(), before, 'the previous results stay');
    assert.equal(fake.requests().length, 0, 'the model was never asked');
    // The worker stopped between micro-batches: a new rerank runs at once.
    const after = await useFiles([workspaceFile('dense_results.json')]);
    assert.equal(after.documents.length, 10);
  });

  it('cancelling while the model answers stops the reply at once, keeping what arrived (VS Code 1.117 keeps the model streaming)', async () => {
    await someResults();
    fake.script({ parts: ['Thinking about it… '], hang: true, hangMs: 60_000 });
    const pending = chat('@rerank /ask What is context size of Mixtral?');
    await waitFor(async () => (await transcript()).includes('Thinking about it…'), 'the first part in the chat');
    await vscode.commands.executeCommand('workbench.action.chat.cancel');
    await pending;
    // The participant stopped reading by itself: the model's request is still open (1.117 never cancels it).
    await logged(/Chat: answer stopped after 19 characters/);
    assert.equal(fake.requests()[0].outcome, 'streaming', 'the fake model was not told (microsoft/vscode#277872)');
    assert.match(await transcript(), /Rerank Lens: Answering from the top 3 .*\n\nThinking about it…/s);
  });
});
