import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dtype, ModelSpec } from '../../shared/model-spec';
import { InputError } from '../errors';
import { isLocalModel } from './model-location';

/** The file transformers.js reads for each dtype, as laid out in the hub's ONNX exports. */
export const MODEL_FILES: Record<Dtype, string> = { fp32: 'onnx/model.onnx', q8: 'onnx/model_quantized.onnx' };

/** Checks a local model folder up front, so a wrong folder gets a message naming what is missing. */
export async function checkLocalModel(dir: string, dtype: Dtype): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new InputError('bad-model', `Model folder ${dir} does not exist.`, dir);
  if (!info.isDirectory()) throw new InputError('bad-model', `Model path ${dir} is a file; expected a model folder.`, dir);
  const needed = ['config.json', 'tokenizer.json', 'tokenizer_config.json', MODEL_FILES[dtype]];
  const missing: string[] = [];
  for (const file of needed) {
    if (!(await stat(join(dir, file)).catch(() => undefined))?.isFile()) missing.push(file);
  }
  if (missing.length) {
    throw new InputError(
      'bad-model',
      `${dir} is not a usable cross-encoder folder for dtype ${dtype}: missing ${missing.join(', ')}. ` +
        `Expected the layout of Xenova/ms-marco-MiniLM-L-6-v2 (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx; onnx/model_quantized.onnx for q8).`,
      dir,
    );
  }
}

/** Turns what transformers.js / onnxruntime throw while loading into a message a user can act on. */
export function modelLoadError(err: unknown, spec: ModelSpec): Error {
  if (err instanceof InputError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const where = isLocalModel(spec.model) ? `model folder ${spec.model}` : `model ${spec.model}`;
  if (/file was not found locally/.test(message)) {
    const file = /locally at "([^"]+)"/.exec(message)?.[1];
    if (isLocalModel(spec.model)) {
      return new InputError('bad-model', `The ${where} lacks ${file ?? 'a required file'}.`, spec.model);
    }
    return new InputError(
      'offline',
      `The ${where} (${spec.dtype}) is not in the cache at ${spec.cacheDir} and remote downloads are turned off. ` +
        `Allow remote models, or set a local model folder.`,
    );
  }
  if (/fetch failed|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|network/i.test(message + causeOf(err))) {
    return new InputError(
      'offline',
      `Could not download the ${where} from ${spec.remoteHost ?? 'the Hugging Face hub'}: the network is unreachable ` +
        `(${causeOf(err) || message}). Connect once to download it, or set a local model folder.`,
    );
  }
  if (/Could not locate file/.test(message)) {
    return new InputError(
      'download-failed',
      `The ${where} was not found on ${spec.remoteHost ?? 'the Hugging Face hub'}: ${message} Check the model id (the default is Xenova/ms-marco-MiniLM-L-6-v2).`,
    );
  }
  if (/Unauthorized|Forbidden|occurred while trying to load file/.test(message)) {
    return new InputError('download-failed', `Could not download the ${where}: ${message}`);
  }
  if (/protobuf|Load model|invalid model|ONNX|onnx/i.test(message)) {
    return new InputError('bad-model', `The ${where} could not be loaded by ONNX Runtime: ${message}`, spec.model);
  }
  if (/JSON|Unexpected token/.test(message)) {
    return new InputError('bad-model', `The ${where} has a file that is not valid JSON: ${message}`, spec.model);
  }
  return err instanceof Error ? err : new Error(message);
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause ? `${cause.code ?? ''} ${cause.message ?? ''}`.trim() : '';
}
