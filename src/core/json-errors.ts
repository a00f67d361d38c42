import { createScanner, ParseErrorCode, ScanError, SyntaxKind } from 'jsonc-parser';
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

const scanErrors: Partial<Record<ScanError, ParseErrorCode>> = {
  [ScanError.UnexpectedEndOfComment]: ParseErrorCode.UnexpectedEndOfComment,
  [ScanError.UnexpectedEndOfString]: ParseErrorCode.UnexpectedEndOfString,
  [ScanError.UnexpectedEndOfNumber]: ParseErrorCode.UnexpectedEndOfNumber,
  [ScanError.InvalidUnicode]: ParseErrorCode.InvalidUnicode,
  [ScanError.InvalidEscapeCharacter]: ParseErrorCode.InvalidEscapeCharacter,
  [ScanError.InvalidCharacter]: ParseErrorCode.InvalidCharacter,
};

const LITERALS = new Set([SyntaxKind.StringLiteral, SyntaxKind.NumericLiteral, SyntaxKind.TrueKeyword, SyntaxKind.FalseKeyword, SyntaxKind.NullKeyword]);

class Found {
  constructor(
    readonly code: ParseErrorCode,
    readonly offset: number,
  ) {}
}

/**
 * The first JSON syntax error in `text` and where it is, found with the scanner VS Code uses for
 * JSON but with an explicit stack instead of jsonc-parser's recursive parser, so that `[[[[…`
 * twenty thousand levels deep is an error message, not a stack overflow.
 */
export function firstSyntaxError(text: string): { code: ParseErrorCode; offset: number } | undefined {
  const scanner = createScanner(text, false);
  const next = (): SyntaxKind => {
    for (;;) {
      const token = scanner.scan();
      const error = scanErrors[scanner.getTokenError()];
      if (error !== undefined) throw new Found(error, scanner.getTokenOffset());
      if (token === SyntaxKind.LineCommentTrivia || token === SyntaxKind.BlockCommentTrivia) {
        throw new Found(ParseErrorCode.InvalidCommentToken, scanner.getTokenOffset());
      }
      if (token === SyntaxKind.Unknown) throw new Found(ParseErrorCode.InvalidSymbol, scanner.getTokenOffset());
      if (token !== SyntaxKind.Trivia && token !== SyntaxKind.LineBreakTrivia) return token;
    }
  };
  const fail = (code: ParseErrorCode): never => {
    throw new Found(code, scanner.getTokenOffset());
  };
  const stack: SyntaxKind[] = [];
  try {
    let token = next();
    let mode: 'value' | 'key' | 'after' = 'value';
    for (;;) {
      if (mode === 'value') {
        if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
          stack.push(token);
          const close = token === SyntaxKind.OpenBraceToken ? SyntaxKind.CloseBraceToken : SyntaxKind.CloseBracketToken;
          token = next();
          if (token === close) {
            stack.pop();
            token = next();
            mode = 'after';
          } else {
            mode = close === SyntaxKind.CloseBraceToken ? 'key' : 'value';
          }
        } else if (LITERALS.has(token)) {
          token = next();
          mode = 'after';
        } else {
          fail(ParseErrorCode.ValueExpected);
        }
      } else if (mode === 'key') {
        if (token !== SyntaxKind.StringLiteral) fail(ParseErrorCode.PropertyNameExpected);
        if (next() !== SyntaxKind.ColonToken) fail(ParseErrorCode.ColonExpected);
        token = next();
        mode = 'value';
      } else {
        const open = stack[stack.length - 1];
        if (open === undefined) {
          return token === SyntaxKind.EOF ? undefined : fail(ParseErrorCode.EndOfFileExpected);
        }
        const inObject = open === SyntaxKind.OpenBraceToken;
        const close = inObject ? SyntaxKind.CloseBraceToken : SyntaxKind.CloseBracketToken;
        if (token === SyntaxKind.CommaToken) {
          token = next();
          mode = inObject ? 'key' : 'value';
        } else if (token === close) {
          stack.pop();
          token = next();
        } else if (token === SyntaxKind.EOF) {
          fail(inObject ? ParseErrorCode.CloseBraceExpected : ParseErrorCode.CloseBracketExpected);
        } else {
          fail(ParseErrorCode.CommaExpected);
        }
      }
    }
  } catch (err) {
    if (err instanceof Found) return { code: err.code, offset: err.offset };
    throw err;
  }
}

/**
 * Builds the error for text that JSON.parse rejected. JSON.parse gives no line and column, so the
 * text is scanned again (only on failure).
 */
export function jsonSyntaxError(
  text: string,
  file: string,
  parseMessage: string,
  /** For a JSONL line: the line number before it and the offset where it starts in the file. */
  base = { lines: 0, offset: 0 },
): InputError {
  const first = firstSyntaxError(text);
  const offset = first?.offset ?? offsetFromMessage(parseMessage);
  const what = first ? (describe[first.code] ?? 'invalid JSON') : parseMessage;
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
