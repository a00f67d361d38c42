import * as vscode from 'vscode';
import type { ChatError } from '../../core/ask/chat-errors';
import { noLanguageModel } from '../../core/ask/lm-errors';

const CHOICE_KEY = 'rerankLens.ask.languageModel';

/** Which model was chosen, by what VS Code keeps stable across sessions. */
interface ModelChoice {
  vendor: string;
  id: string;
}

export type ModelPick = { model: vscode.LanguageModelChat } | { error: ChatError } | undefined;

/**
 * `vscode.lm` is stable since VS Code 1.90 (our minimum is 1.100), but forks and web hosts may lack it:
 * every use is feature-detected.
 */
export function hasLanguageModelApi(): boolean {
  return typeof vscode.lm?.selectChatModels === 'function';
}

/**
 * The language model "Ask" uses when `rerankLens.ask.provider` is `vscode-lm`: the one chosen earlier (kept
 * in globalState) while VS Code still offers it, the only one there is, or the user's pick among several.
 */
export class LanguageModelChooser {
  constructor(private readonly state: vscode.Memento) {}

  /** Resolves to the model, to the reason there is none, or to undefined when the user dismissed the pick. */
  async choose(): Promise<ModelPick> {
    if (!hasLanguageModelApi()) return { error: noLanguageModel('unsupported') };
    const models = await vscode.lm.selectChatModels();
    if (models.length === 0) return { error: noLanguageModel('none') };
    const saved = this.state.get<ModelChoice>(CHOICE_KEY);
    const remembered = saved && models.find((m) => m.vendor === saved.vendor && m.id === saved.id);
    if (remembered) return { model: remembered };
    if (models.length === 1) return { model: models[0] };
    const picked = await this.pick(models);
    return picked && { model: picked };
  }

  /**
   * "Rerank Lens: Choose Chat Model": a quick pick of every model VS Code offers (or the one `given` names,
   * without asking), remembered for the next questions.
   */
  async pick(models?: vscode.LanguageModelChat[], given?: Partial<ModelChoice>): Promise<vscode.LanguageModelChat | undefined> {
    if (!hasLanguageModelApi()) {
      void vscode.window.showWarningMessage(`Rerank Lens: ${noLanguageModel('unsupported').message}`);
      return undefined;
    }
    const all = models ?? (await vscode.lm.selectChatModels());
    if (all.length === 0) {
      void vscode.window.showWarningMessage(`Rerank Lens: ${noLanguageModel('none').message}`);
      return undefined;
    }
    let model: vscode.LanguageModelChat | undefined;
    if (given?.id) {
      model = all.find((m) => m.id === given.id && (!given.vendor || m.vendor === given.vendor));
      if (!model) void vscode.window.showWarningMessage(`Rerank Lens: no language model "${given.id}" is available.`);
    } else {
      model = await this.quickPick(all);
    }
    if (model) await this.state.update(CHOICE_KEY, { vendor: model.vendor, id: model.id } satisfies ModelChoice);
    return model;
  }

  private async quickPick(models: vscode.LanguageModelChat[]): Promise<vscode.LanguageModelChat | undefined> {
    const saved = this.state.get<ModelChoice>(CHOICE_KEY);
    const items = models.map((model) => ({
      label: model.name,
      description: `${model.vendor} · ${model.family}${saved?.vendor === model.vendor && saved.id === model.id ? ' · current' : ''}`,
      detail: `${model.maxInputTokens.toLocaleString('en-US')} input tokens`,
      model,
    }));
    const chosen = await vscode.window.showQuickPick(items, {
      title: 'Rerank Lens: language model for Ask',
      placeHolder: 'Choose the model that answers from the top chunks (remembered)',
      ignoreFocusOut: true,
    });
    return chosen?.model;
  }
}
