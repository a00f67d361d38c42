import { ParseErrorCode, visit, type ParseError } from 'jsonc-parser';
import { InputError, positionAt } from './errors';

const describe: Partial<Record<ParseErrorCode, string>> = {
  [ParseErrorCode.InvalidSymbol]: 'unexpected character',
  [ParseErrorCode.InvalidNumberFormat]: 'invalid number',
  [ParseErrorCode.PropertyNameExpected]: 'expected a property name in double quotes',
  [ParseErrorCode.ValueExpected]: 'expected a value',
  [ParseErrorCode.ColonExpected]: "expected ':'",
  [ParseErrorCode.CommaExpected]: "expected ',' (a comma between items)",
  [ParseErrorCode.CloseBraceExpected]: "expected '}' (the file may be cut short)",
  [ParseErrorCode.CloseBracketExpected]: "expected ']' (the file may be cut short)",
  [ParseErrorCode.EndOfFileExpected]: 'unexpected content after the end of the JSON value',
  [ParseErrorCode.InvalidCommentToken]: 'comments are not allowed in JSON',
  [ParseErrorCode.UnexpectedEndOfComment]: 'comments are not allowed in JSON',
  [ParseErrorCode.UnexpectedEndOfString]: 'unterminated string',
  [ParseErrorCode.UnexpectedEndOfNumber]: 'unterminated number',
  [ParseErrorCode.InvalidUnicode]: 'invalid \\u escape',
  [ParseErrorCode.InvalidEscapeCharacter]: 'invalid escape character',
  [ParseErrorCode.InvalidCharacter]: 'control character in a string',
};

/**
 * Builds the error for text that JSON.parse rejected. JSON.parse gives no line and column, so the
 * text is scanned again (only on failure) with the same scanner VS Code uses for JSON.
 */
export function jsonSyntaxError(
  text: string,
  file: string,
  parseMessage: string,
  /** For a JSONL line: the line number before it and the offset where it starts in the file. */
  base = { lines: 0, offset: 0 },
): InputError {
  const errors: ParseError[] = [];
  visit(text, { onError: (error, offset) => errors.push({ error, offset, length: 0 }) }, {
    disallowComments: true,
    allowTrailingComma: false,
  });
  const first = errors[0];
  const offset = first?.offset ?? offsetFromMessage(parseMessage);
  const what = first ? (describe[first.error] ?? 'invalid JSON') : parseMessage;
  if (offset === undefined) {
    return new InputError('invalid-json', `${file}: invalid JSON: ${what}`, file);
  }
  const pos = positionAt(text, offset);
  const line = pos.line + base.lines;
  return new InputError('invalid-json', `${file}:${line}:${pos.column}: invalid JSON: ${what}`, file, {
    line,
    column: pos.column,
    offset: offset + base.offset,
  });
}

function offsetFromMessage(message: string): number | undefined {
  const match = /position (\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}
