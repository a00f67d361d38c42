'use strict';
// The language-model target's recipe, proven: the fake model answers vscode.lm requests (streaming, errors,
// cancellation) and is the Chat view's model, so a participant's request.model is the fake.
const vscode = require('vscode');
const assert = require('node:assert/strict');

const VENDOR = 'rerank-lens-fake';

/** Collects a response's text stream. */
async function readAll(response) {
  const chunks = [];
  for await (const chunk of response.text) chunks.push(chunk);
  return chunks;
}

const probeRequests = () => vscode.commands.executeCommand('rerankLensProbe.requests');

describe('fake language model', function () {
  /** @type {any} the fake extension's exported API */
  let fake;
  let model;

  before(async () => {
    const ext = vscode.extensions.getExtension('rerank-lens-test.lm-fake');
    assert.ok(ext, 'the fake language model extension is installed');
    fake = await ext.activate();
    [model] = await vscode.lm.selectChatModels({ vendor: VENDOR });
  });
  beforeEach(() => fake.reset());

  it('is found by vendor and streams its scripted parts in order', async () => {
    assert.ok(model, 'selectChatModels({ vendor }) returns the fake');
    assert.deepEqual([model.id, model.vendor, model.family, model.name], ['fake-model', VENDOR, 'fake', 'Fake Model']);
    fake.script({ parts: ['Mixtral ', 'has a ', '32k context.'] });
    const response = await model.sendRequest(
      [vscode.LanguageModelChatMessage.User('What is context size of Mixtral?')],
      { modelOptions: { temperature: 0.2 } },
    );
    const chunks = await readAll(response);
    assert.equal(chunks.join(''), 'Mixtral has a 32k context.');
    const [request] = fake.requests();
    assert.equal(request.outcome, 'done');
    assert.equal(request.partsSent, 3);
    assert.deepEqual(request.messages, [
      { role: 'user', text: 'What is context size of Mixtral?', parts: [{ type: 'text', value: 'What is context size of Mixtral?' }] },
    ]);
    assert.deepEqual(request.options.modelOptions, { temperature: 0.2 });
  });

  it('echoes the last user message when nothing is scripted', async () => {
    const response = await model.sendRequest([vscode.LanguageModelChatMessage.User('ping')]);
    assert.equal((await readAll(response)).join(''), 'Fake reply from fake-model to: ping');
  });

  for (const code of ['NoPermissions', 'Blocked', 'NotFound']) {
    it(`fails with LanguageModelError ${code} after the parts before it`, async () => {
      fake.script({ parts: ['partial '], delayMs: 100, error: code, errorMessage: `scripted ${code}` });
      const chunks = [];
      const error = await (async () => {
        try {
          const response = await model.sendRequest([vscode.LanguageModelChatMessage.User('q')]);
          for await (const chunk of response.text) chunks.push(chunk);
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      assert.ok(error instanceof vscode.LanguageModelError, `a LanguageModelError, got ${error?.stack ?? error}`);
      assert.equal(error.code, code);
      assert.match(error.message, new RegExp(`scripted ${code}`));
      assert.deepEqual(chunks, ['partial ']);
      assert.equal(fake.requests()[0].outcome, `error:${code}`);
    });
  }

  it('an error before any part rejects the stream, not sendRequest', async () => {
    fake.script({ error: 'Blocked' });
    const response = await model.sendRequest([vscode.LanguageModelChatMessage.User('q')]);
    await assert.rejects(readAll(response), (err) => err instanceof vscode.LanguageModelError && err.code === 'Blocked');
  });

  it('a slow stream stops when the provider\'s token is cancelled (called directly: VS Code 1.117 never cancels it)', async () => {
    // Through vscode.lm, 1.117 cancels neither the provider's token nor the caller's stream (microsoft/vscode#319098,
    // fixed in 1.127): this checks the fake's own handling, for editors that deliver the cancellation.
    fake.script({ parts: Array.from({ length: 20 }, (_, i) => `p${i} `), delayMs: 100 });
    const cts = new vscode.CancellationTokenSource();
    const seen = [];
    const done = fake.provider.provideLanguageModelChatResponse(
      (await fake.provider.provideLanguageModelChatInformation({ silent: true }, cts.token))[0],
      [vscode.LanguageModelChatMessage.User('slow')],
      { modelOptions: {}, tools: [], toolMode: vscode.LanguageModelChatToolMode.Auto },
      { report: (part) => seen.push(part.value) },
      cts.token,
    );
    await fake.waitFor((r) => r.partsSent >= 2);
    cts.cancel();
    await done;
    const [request] = fake.requests();
    assert.equal(request.outcome, 'cancelled');
    assert.ok(request.partsSent < 20 && seen.length === request.partsSent, `stopped after ${request.partsSent} parts`);
  });
});

describe('the Chat view hands the fake model to participants', function () {
  let fake;
  before(async () => {
    fake = await vscode.extensions.getExtension('rerank-lens-test.lm-fake').activate();
    await vscode.extensions.getExtension('rerank-lens-test.lm-probe').activate();
  });
  beforeEach(() => fake.reset());

  it('"@probe hello" through workbench.action.chat.open reaches the participant with request.model = the fake', async () => {
    fake.script({ parts: ['Hello ', 'from ', 'the fake.'] });
    const before = (await probeRequests()).length;
    const result = await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@probe hello', blockOnResponse: true });
    assert.equal(result?.errorDetails, undefined, JSON.stringify(result));
    assert.deepEqual(result.metadata.model, { id: 'fake-model', vendor: VENDOR, family: 'fake', name: 'Fake Model' });
    assert.equal(result.metadata.text, 'Hello from the fake.');
    const probe = (await probeRequests()).slice(before);
    assert.deepEqual(probe.map((r) => [r.prompt, r.model.vendor, r.done]), [['hello', VENDOR, true]]);
    const [request] = fake.requests();
    assert.equal(request.messages.at(-1).text, 'hello');
    assert.equal(request.options.requestInitiator, 'rerank-lens-test.lm-probe');
  });

  it('workbench.action.chat.cancel fires the participant\'s CancellationToken', async () => {
    fake.script({ parts: ['Thinking… '], hang: true, hangMs: 60_000 });
    const before = (await probeRequests()).length;
    await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@probe take your time' });
    // The participant has the first part (so the request is under way) before the chat is cancelled.
    await waitFor(async () => (await probeRequests()).slice(before).find((r) => r.text));
    await vscode.commands.executeCommand('workbench.action.chat.cancel');
    const probe = await waitFor(async () => (await probeRequests()).slice(before).find((r) => r.done));
    assert.equal(probe.prompt, 'take your time');
    assert.equal(probe.cancelled, true, 'the participant saw its token fire');
    assert.equal(probe.text, 'Thinking… ');
  });

  it('workbench.action.chat.copyAll puts the whole transcript on the clipboard', async () => {
    fake.script({ parts: ['Readable ', 'answer.'] });
    await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@probe read me', blockOnResponse: true });
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('workbench.action.chat.copyAll');
    const transcript = await vscode.env.clipboard.readText();
    assert.match(transcript, /User: @probe read me\n\nProbe: Readable answer\.$/);
  });
});

/** Polls `fn` until it returns something truthy (10 s at most). */
async function waitFor(fn, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: nothing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
