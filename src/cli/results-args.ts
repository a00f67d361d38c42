import type { FieldMapping } from '../core/formats/options';
import { DEFAULT_MAX_MB, LARGEST_MAX_MB } from '../core/read-results';
import { UsageError } from './args';

/** How results files are read: the mapping for shapes the detection does not read right, the size cap, the query. */
export const RESULTS_OPTIONS = {
  'results-path': { type: 'string' },
  'id-field': { type: 'string' },
  'text-field': { type: 'string' },
  'score-field': { type: 'string' },
  'query-index': { type: 'string' },
  'max-file-mb': { type: 'string' },
} as const;

export const RESULTS_USAGE = `      --results-path PATH  where the list of documents is (response.docs)
      --id-field PATH      each document's id, inside it (_source.doc_id)
      --text-field PATH    each document's text (payload.body)
      --score-field PATH   each document's retriever score (_additional.certainty)
      --query-index N      in multi-query files, rerank only result set N (0-based);
                           without it every query is reranked, one report each
      --max-file-mb N      refuse results files larger than N MB (default ${DEFAULT_MAX_MB})`;

export interface ResultsArgs {
  'results-path'?: string;
  'id-field'?: string;
  'text-field'?: string;
  'score-field'?: string;
  'query-index'?: string;
  'max-file-mb'?: string;
}

export function resultsArgs(values: ResultsArgs): { fields?: FieldMapping; queryIndex?: number; maxBytes?: number } {
  const fields: FieldMapping = {};
  const names = [
    ['resultsPath', 'results-path'],
    ['idField', 'id-field'],
    ['textField', 'text-field'],
    ['scoreField', 'score-field'],
  ] as const;
  for (const [key, flag] of names) {
    const value = values[flag];
    if (value === undefined) continue;
    if (!/^[^.\s]+(\.[^.\s]+)*$/.test(value.trim())) {
      throw new UsageError(`--${flag} must be a dot path such as "payload.text", got "${value}".`);
    }
    fields[key] = value.trim();
  }
  return {
    fields: Object.keys(fields).length ? fields : undefined,
    queryIndex: queryIndex(values['query-index']),
    maxBytes: maxBytes(values['max-file-mb']),
  };
}

function queryIndex(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || value.trim() === '') throw new UsageError(`--query-index must be a whole number from 0, got "${value}".`);
  return n;
}

function maxBytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > LARGEST_MAX_MB || value.trim() === '') {
    throw new UsageError(`--max-file-mb must be a number of megabytes above 0 and at most ${LARGEST_MAX_MB}, got "${value}".`);
  }
  return Math.round(n * 1024 * 1024);
}
