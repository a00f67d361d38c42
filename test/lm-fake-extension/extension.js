// Test-only extension: a scripted vscode.lm chat model (vendor "rerank-lens-fake") so Rerank Lens' language-model
// code runs against a real VS Code without Copilot or a network. Installed only in test profiles. See README.md.
'use strict';
const vscode = require('vscode');
const { FakeLanguageModel, VENDOR } = require('./fake-model');

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  const fake = new FakeLanguageModel(vscode, {
    scriptFile: process.env.RERANK_LENS_FAKE_LM_SCRIPT,
    recordFile: process.env.RERANK_LENS_FAKE_LM_RECORD,
  });
  context.subscriptions.push(
    fake,
    vscode.lm.registerLanguageModelChatProvider(VENDOR, fake),
    // The same API as the exports, for callers in another extension host or without a handle on this one.
    vscode.commands.registerCommand('rerankLensFake.script', (...replies) => fake.script(...replies)),
    vscode.commands.registerCommand('rerankLensFake.requests', () => fake.requests()),
    vscode.commands.registerCommand('rerankLensFake.reset', () => fake.reset()),
    vscode.commands.registerCommand('rerankLensFake.setModels', (models) => fake.setModels(models)),
  );
  // The workbench asks a provider for its models only when it has them cached from an earlier session, when
  // the provider says they changed, or when some extension selects them. Say so now, so the Chat view's model
  // picker gets the fake (and a participant's request.model is the fake) before anyone asks.
  fake.changeInfo.fire();
  return fake.api();
}

module.exports = { activate, deactivate() {} };
