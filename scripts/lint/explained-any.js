/**
 * `tessera/explained-any`: an explicit `any` is an error unless a comment starting with `any:`
 * on its line or the line above says why (`// any: the runtime hands us an untyped object`).
 * typescript-eslint's `no-explicit-any` has no such escape short of disabling it; this rule is
 * that rule plus the project's one way to excuse an `any`.
 */

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'disallow `any` unless an `// any: why` comment explains it' },
    messages: {
      unexplained:
        'Unexplained `any`: use a precise type or `unknown`, or say why on this line or the line above with `// any: <why>`.',
    },
    schema: [],
  },
  create(context) {
    const source = context.sourceCode;
    /** Lines on which a comment starting with `any:` ends. */
    const explained = new Set(
      source
        .getAllComments()
        .filter((c) => /^\s*any:\s*\S/.test(c.value))
        .map((c) => c.loc.end.line),
    );
    return {
      TSAnyKeyword(node) {
        const line = node.loc.start.line;
        if (explained.has(line) || explained.has(line - 1)) return;
        context.report({ node, messageId: 'unexplained' });
      },
    };
  },
};
