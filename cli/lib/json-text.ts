/**
 * JSON files as a person edits them: syntax errors and schema problems point at a line and a
 * column (editors and terminals jump to `file:line:column`), not at a character offset.
 * jsonc-parser (the parser behind VS Code's JSON support) reports every syntax error with its
 * offset, where JSON.parse often names none.
 */
import {
  findNodeAtLocation,
  parse,
  parseTree,
  printParseErrorCode,
  type ParseError,
} from 'jsonc-parser';

export interface Position {
  line: number;
  column: number;
}

export type JsonText =
  { ok: true; value: unknown } | { ok: false; message: string; position: Position };

/** 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  return { line, column: offset - lineStart + 1 };
}

const SAYS: Partial<Record<ReturnType<typeof printParseErrorCode>, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'not a valid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value (a trailing comma, or a missing value?)',
  ColonExpected: 'expected ":" after the property name',
  CommaExpected: 'expected "," between items (a missing comma?)',
  CloseBraceExpected: 'expected "}" to close the object',
  CloseBracketExpected: 'expected "]" to close the list',
  EndOfFileExpected: 'unexpected text after the end of the JSON document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'a string is not closed (a missing " ?)',
  UnexpectedEndOfNumber: 'a number is cut short',
  InvalidUnicode: 'an invalid \\u escape',
  InvalidEscapeCharacter: 'an invalid escape after \\',
  InvalidCharacter: 'a control character (such as a line break) inside a string',
};

/**
 * Parses strict JSON with JSON.parse (so values are exactly what every other reader sees); when
 * that fails, jsonc-parser finds the first error and where it is.
 */
export function parseJsonText(text: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const errors: ParseError[] = [];
    parse(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    if (!first)
      return { ok: false, message: (error as Error).message, position: positionAt(text, 0) };
    const code = printParseErrorCode(first.error);
    return { ok: false, message: SAYS[code] ?? code, position: positionAt(text, first.offset) };
  }
}

/**
 * Where a path points in the text: the value itself, or the deepest part of the path that
 * exists (a missing key is reported where its object starts).
 */
export function positionOfPath(
  text: string,
  path: readonly (string | number)[],
): Position | undefined {
  const tree = parseTree(text, [], { disallowComments: true });
  if (!tree) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n) as (string | number)[]);
    if (node) {
      // A property's value: point at its key, where the eye looks for it.
      const at = node.parent?.type === 'property' ? node.parent.offset : node.offset;
      return positionAt(text, at);
    }
  }
  return undefined;
}
