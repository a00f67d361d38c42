// The scripted LanguageModelChatProvider behind the fake extension. Each request takes the next scripted reply
// (or, with none left, echoes the last user message), streams it part by part, and is recorded with what the
// caller sent and how it ended. A reply can fail with a LanguageModelError or stream slowly / hang until the
// request is cancelled, so callers' error and cancellation paths meet the real VS Code API.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');

const VENDOR = 'rerank-lens-fake';

/** The model the Chat view should pick: isDefault/isUserSelectable are read only with the chatProvider proposal. */
const DEFAULT_MODELS = [
  {
    id: 'fake-model',
    name: 'Fake Model',
    family: 'fake',
    version: '1',
    tooltip: 'Rerank Lens test model',
    detail: 'scripted',
    maxInputTokens: 100_000,
    maxOutputTokens: 4_096,
    capabilities: { toolCalling: true, imageInput: false },
    isDefault: true,
    isUserSelectable: true,
  },
];

const ERRORS = ['NoPermissions', 'Blocked', 'NotFound'];

class FakeLanguageModel {
  /**
   * @param {typeof import('vscode')} vscode
   * @param {{ scriptFile?: string, recordFile?: string }} files optional JSON files for callers outside the
   *   extension host (e2e scripts): replies are read from scriptFile when the in-memory queue is empty,
   *   and every change to the records is written to recordFile.
   */
  constructor(vscode, files = {}) {
    this.vscode = vscode;
    this.files = files;
    this.changeInfo = new vscode.EventEmitter();
    this.onDidChangeLanguageModelChatInformation = this.changeInfo.event;
    this.changeRecords = new vscode.EventEmitter();
    this.reset();
  }

  // --- the test API ---------------------------------------------------------------------------------

  api() {
    return {
      vendor: VENDOR,
      script: (...replies) => this.script(...replies),
      requests: () => this.requests(),
      reset: () => this.reset(),
      setModels: (models) => this.setModels(models),
      waitFor: (predicate, timeoutMs) => this.waitFor(predicate, timeoutMs),
      onDidChangeRequests: this.changeRecords.event,
      provider: this, // the LanguageModelChatProvider itself, to call it with a token the test controls
    };
  }

  /** Queues replies (a string, or { parts, text, delayMs, error, errorMessage, hang }); each request takes one. */
  script(...replies) {
    for (const reply of replies.flat()) this.queue.push(normalizeReply(reply));
    return this.queue.length;
  }

  /** What every request so far sent and how it ended (JSON-safe copies). */
  requests() {
    return JSON.parse(JSON.stringify(this.records));
  }

  reset() {
    this.queue = [];
    this.records = [];
    this.fileCursor = 0;
    this.setModels(undefined);
    this.persist();
  }

  /** Replaces the models offered (partial infos are completed from the default); undefined restores it. */
  setModels(models) {
    const base = DEFAULT_MODELS[0];
    this.models = (models ?? DEFAULT_MODELS).map((m) => ({ ...base, ...m, capabilities: { ...base.capabilities, ...m.capabilities } }));
    this.changeInfo.fire();
    return this.models.map((m) => m.id);
  }

  /** Resolves with the first record (a copy) for which `predicate(record, index)` holds, now or later. */
  waitFor(predicate, timeoutMs = 30_000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const i = this.records.findIndex((r, n) => predicate(r, n));
        if (i < 0) return false;
        listener.dispose();
        clearTimeout(timer);
        resolve(this.requests()[i]);
        return true;
      };
      const listener = this.changeRecords.event(check);
      const timer = setTimeout(() => {
        listener.dispose();
        reject(new Error(`fake LM: no matching request within ${timeoutMs} ms; got ${JSON.stringify(this.records)}`));
      }, timeoutMs);
      check();
    });
  }

  // --- LanguageModelChatProvider --------------------------------------------------------------------

  provideLanguageModelChatInformation() {
    return this.models;
  }

  async provideLanguageModelChatResponse(model, messages, options, progress, token) {
    const reply = this.nextReply() ?? echoReply(model, messages);
    const record = {
      index: this.records.length,
      model: { id: model.id, family: model.family, vendor: VENDOR },
      messages: messages.map((m) => this.describeMessage(m)),
      options: {
        modelOptions: options.modelOptions ?? {},
        tools: (options.tools ?? []).map((t) => t.name),
        toolMode: options.toolMode,
        requestInitiator: options.requestInitiator, // chatProvider proposal only
      },
      reply,
      partsSent: 0,
      outcome: 'streaming',
      cancelled: false,
    };
    this.records.push(record);
    this.changed();
    const cancelled = () => {
      if (!token.isCancellationRequested) return false;
      record.outcome = 'cancelled';
      record.cancelled = true;
      this.changed();
      return true;
    };
    for (const part of reply.parts) {
      if (reply.delayMs) await delay(reply.delayMs, token);
      if (cancelled()) return;
      progress.report(new this.vscode.LanguageModelTextPart(part));
      record.partsSent++;
      this.changed();
    }
    if (reply.hang) {
      await delay(reply.hangMs ?? 600_000, token);
      if (cancelled()) return;
    }
    if (reply.error) {
      // Without a pause, parts reported just before the error may be dropped on the caller's side.
      if (reply.delayMs) await delay(reply.delayMs, token);
      if (cancelled()) return;
      record.outcome = `error:${reply.error}`;
      this.changed();
      const message = reply.errorMessage ?? `Fake ${reply.error}`;
      throw ERRORS.includes(reply.error) ? this.vscode.LanguageModelError[reply.error](message) : new Error(message);
    }
    if (cancelled()) return;
    record.outcome = 'done';
    this.changed();
  }

  provideTokenCount(_model, input) {
    const text = typeof input === 'string' ? input : this.describeMessage(input).text;
    return Math.ceil(text.length / 4);
  }

  dispose() {
    this.changeInfo.dispose();
    this.changeRecords.dispose();
  }

  // --- internals ------------------------------------------------------------------------------------

  nextReply() {
    if (this.queue.length) return this.queue.shift();
    if (!this.files.scriptFile) return undefined;
    let replies;
    try {
      replies = JSON.parse(readFileSync(this.files.scriptFile, 'utf8'));
    } catch {
      return undefined; // no script (yet): echo
    }
    if (!Array.isArray(replies) || this.fileCursor >= replies.length) return undefined;
    return normalizeReply(replies[this.fileCursor++]);
  }

  describeMessage(message) {
    const { LanguageModelChatMessageRole: Role } = this.vscode;
    const role = message.role === Role.User ? 'user' : message.role === Role.Assistant ? 'assistant' : message.role === 3 ? 'system' : String(message.role);
    const parts = (message.content ?? []).map((p) => this.describePart(p));
    const text = parts.map((p) => (p.type === 'text' ? p.value : '')).join('');
    return { role, name: message.name, text, parts };
  }

  describePart(part) {
    const v = this.vscode;
    if (part instanceof v.LanguageModelTextPart) return { type: 'text', value: part.value };
    if (part instanceof v.LanguageModelToolCallPart) return { type: 'toolCall', callId: part.callId, name: part.name, input: part.input };
    if (part instanceof v.LanguageModelToolResultPart) return { type: 'toolResult', callId: part.callId };
    if (typeof part?.value === 'string') return { type: 'text', value: part.value };
    return { type: 'other', kind: part?.constructor?.name ?? typeof part };
  }

  changed() {
    this.persist();
    this.changeRecords.fire(this.records);
  }

  persist() {
    const file = this.files.recordFile;
    if (!file) return;
    writeFileSync(`${file}.tmp`, JSON.stringify(this.records, null, 2));
    renameSync(`${file}.tmp`, file); // readers never see half a file
  }
}

function normalizeReply(reply) {
  if (typeof reply === 'string') reply = { text: reply };
  const parts = reply.parts ?? (reply.text !== undefined ? chunk(reply.text) : []);
  if (reply.error !== undefined && !ERRORS.includes(reply.error) && reply.error !== 'Error') {
    throw new Error(`fake LM: unknown error kind ${JSON.stringify(reply.error)} (${ERRORS.join(', ')} or Error)`);
  }
  return { ...reply, parts: parts.map(String) };
}

/** Splits text into the small pieces a streaming model sends (words with their following space). */
function chunk(text) {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function echoReply(model, messages) {
  const last = [...messages].reverse().find((m) => m.role === 1);
  const text = (last?.content ?? []).map((p) => (typeof p?.value === 'string' ? p.value : '')).join('');
  return { parts: chunk(`Fake reply from ${model.id} to: ${text}`), echo: true };
}

function delay(ms, token) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const listener = token.onCancellationRequested(done);
    function done() {
      clearTimeout(timer);
      listener.dispose();
      resolve();
    }
  });
}

module.exports = { FakeLanguageModel, VENDOR, DEFAULT_MODELS };
