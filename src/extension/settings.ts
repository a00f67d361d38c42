/**
 * Every setting declared once: its key under `rerankLens.`, its default and how a raw value is read.
 * `readConfig` is derived from this table, and a unit test holds it equal to package.json's
 * `contributes.configuration`. Pure data (no `vscode`), so that test runs in plain Node.
 */
import { DEFAULT_SYSTEM_PROMPT } from '../core/ask/prompt';
import type { FieldMapping } from '../core/formats/options';
import { DEFAULT_MAX_MB, LARGEST_MAX_MB } from '../core/read-results';
import { RERANKER_KINDS, type RerankerKind } from '../core/rerankers/reranker';
import { DEFAULT_DTYPE, DEFAULT_MAX_LENGTH, DEFAULT_MODEL, DEFAULT_TOP_K, isDtype, type Dtype } from '../shared/model-spec';

export const SECTION = 'rerankLens';
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
const DEFAULT_GLOB = '**/*.{json,jsonl,ndjson}';

export interface Setting<T> {
  default: T;
  /** Turns what VS Code returns (any JSON, from any settings file) into a valid value. */
  read: (raw: unknown) => T;
  /** Only the user's own (global) value counts: for settings that decide where a key is sent. */
  userOnly?: boolean;
}

const text = (fallback: string): Setting<string> => ({
  default: fallback,
  read: (raw) => (typeof raw === 'string' && raw.trim() ? raw.trim() : fallback),
});
const optionalText: Setting<string> = { default: '', read: (raw) => (typeof raw === 'string' ? raw.trim() : '') };
const flag = (fallback: boolean): Setting<boolean> => ({ default: fallback, read: (raw) => (typeof raw === 'boolean' ? raw : fallback) });
const integer = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): Setting<number> => ({
  default: fallback,
  read: (raw) => (typeof raw === 'number' && Number.isFinite(raw) ? Math.min(max, Math.max(min, Math.floor(raw))) : fallback),
});
const optionalNumber = (min: number, max = Number.MAX_SAFE_INTEGER, whole = false): Setting<number | null> => ({
  default: null,
  read: (raw) => (typeof raw === 'number' && raw >= min && raw <= max && (!whole || Number.isInteger(raw)) ? raw : null),
});
/** Dot paths, each a non-empty string; anything else in the object is ignored (VS Code already warns about it). */
const fields: Setting<FieldMapping> = {
  default: {},
  read: (raw) => {
    const out: { -readonly [K in keyof FieldMapping]: FieldMapping[K] } = {};
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
    const value = raw as Record<string, unknown>;
    for (const key of ['resultsPath', 'idField', 'textField', 'scoreField'] as const) {
      const v = value[key];
      if (typeof v === 'string' && v.trim()) out[key] = v.trim();
    }
    const list = Array.isArray(value.textFields) ? value.textFields.filter((f): f is string => typeof f === 'string' && f.trim() !== '') : [];
    if (list.length) out.textFields = list.map((f) => f.trim());
    return out;
  },
};
const dtype: Setting<Dtype> = { default: DEFAULT_DTYPE, read: (raw) => (isDtype(raw) ? raw : DEFAULT_DTYPE) };
const choice = <T extends string>(values: readonly T[], fallback: T): Setting<T> => ({
  default: fallback,
  read: (raw) => (values.includes(raw as T) ? (raw as T) : fallback),
});

/** Where "Ask" gets its answer: an OpenAI-compatible API, or a language model VS Code provides (vscode.lm). */
export const ASK_PROVIDERS = ['openai', 'vscode-lm'] as const;
export type AskProvider = (typeof ASK_PROVIDERS)[number];

export const SETTINGS = {
  model: text(DEFAULT_MODEL),
  modelPath: optionalText,
  dtype,
  topK: integer(DEFAULT_TOP_K, 1, 100),
  minScore: optionalNumber(-Number.MAX_VALUE, Number.MAX_VALUE),
  minProbability: optionalNumber(0, 1),
  maxLength: integer(DEFAULT_MAX_LENGTH, 16, 8192),
  allowRemoteModels: flag(true),
  resultsGlob: text(DEFAULT_GLOB),
  fields,
  maxFileSizeMB: integer(DEFAULT_MAX_MB, 1, LARGEST_MAX_MB),
  reranker: choice<RerankerKind>(RERANKER_KINDS, 'local'),
  // Where the reranker API key is sent: only the user's own settings may say (never a workspace).
  rerankerURL: { ...optionalText, userOnly: true },
  rerankerModel: optionalText,
  maxDocuments: optionalNumber(1, Number.MAX_SAFE_INTEGER, true),
  'eval.k': integer(10, 1, 1000),
  'eval.topN': integer(100, 1, 10000),
  'ask.provider': choice<AskProvider>(ASK_PROVIDERS, 'openai'),
  'ask.baseURL': { ...text(OPENAI_BASE_URL), userOnly: true },
  'ask.model': text('gpt-4.1-mini'),
  'ask.temperature': optionalNumber(0, 2),
  'ask.maxTokens': optionalNumber(1, Number.MAX_SAFE_INTEGER, true),
  'ask.systemPrompt': text(DEFAULT_SYSTEM_PROMPT),
} satisfies Record<string, Setting<unknown>>;

export type SettingKey = keyof typeof SETTINGS;
export type Settings = { [K in SettingKey]: ReturnType<(typeof SETTINGS)[K]['read']> };

/** Reads every setting through `get` (the key without the `rerankLens.` prefix → raw value or undefined). */
export function readSettings(get: (key: SettingKey, userOnly: boolean) => unknown): Settings {
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [SettingKey, Setting<unknown>][]) {
    out[key] = setting.read(get(key, setting.userOnly === true));
  }
  return out as Settings;
}
