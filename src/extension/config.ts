import * as vscode from 'vscode';
import { DEFAULT_MODEL, type Dtype } from '../core/scoring/protocol';

/** Typed view of `contributes.configuration`; read fresh on each use so changes apply at once. */
export interface RerankConfig {
  model: string;
  modelPath: string;
  dtype: Dtype;
  topK: number;
  maxLength: number;
  allowRemoteModels: boolean;
  resultsGlob: string;
}

export const SECTION = 'rerankLens';

export function readConfig(): RerankConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  const dtype = c.get<string>('dtype', 'fp32');
  return {
    model: c.get<string>('model', DEFAULT_MODEL).trim() || DEFAULT_MODEL,
    modelPath: c.get<string>('modelPath', '').trim(),
    dtype: dtype === 'q8' ? 'q8' : 'fp32',
    topK: Math.max(1, Math.floor(c.get<number>('topK', 3))),
    maxLength: Math.max(16, Math.floor(c.get<number>('maxLength', 512))),
    allowRemoteModels: c.get<boolean>('allowRemoteModels', true),
    resultsGlob: c.get<string>('resultsGlob', '**/*.{json,jsonl,ndjson}').trim() || '**/*.{json,jsonl,ndjson}',
  };
}
