// Test-only @probe chat participant: sends the prompt to request.model and streams the reply, recording which
// model it got and whether the chat's cancellation token fired. Proves the fake language model is the model
// the Chat view hands to participants (see test/support/README.md, "Language-model target").
'use strict';
const vscode = require('vscode');

/** @type {Array<Record<string, unknown>>} */
const records = [];

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  const participant = vscode.chat.createChatParticipant('rerankLensProbe.probe', async (request, _context, stream, token) => {
    const record = {
      prompt: request.prompt,
      command: request.command,
      model: { id: request.model.id, vendor: request.model.vendor, family: request.model.family, name: request.model.name },
      cancelled: false,
      text: '',
      done: false,
    };
    records.push(record);
    // VS Code 1.117 neither ends the model's stream nor cancels the provider when this token fires (fixed in
    // 1.127, microsoft/vscode#319098): stop reading on our own, or a hung model keeps the handler waiting.
    const cancelled = new Promise((resolve) =>
      token.onCancellationRequested(() => {
        record.cancelled = true;
        resolve({ done: true });
      }),
    );
    stream.progress('Asking the model…');
    try {
      const response = await request.model.sendRequest([vscode.LanguageModelChatMessage.User(request.prompt)], {}, token);
      const parts = response.text[Symbol.asyncIterator]();
      for (;;) {
        const next = await Promise.race([parts.next(), cancelled]);
        if (next.done) break;
        stream.markdown(next.value);
        record.text += next.value;
      }
    } catch (err) {
      record.error = { name: err?.name, code: err?.code, message: err?.message };
      stream.markdown(`Probe error: ${err?.message}`);
    }
    record.done = true;
    return { metadata: { probe: true, model: record.model, cancelled: record.cancelled, text: record.text } };
  });
  context.subscriptions.push(
    participant,
    vscode.commands.registerCommand('rerankLensProbe.requests', () => JSON.parse(JSON.stringify(records))),
  );
}

module.exports = { activate, deactivate() {} };
