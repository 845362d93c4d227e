/**
 * JSON for inside a `<script>` element (client config, debug trace). JSON.stringify alone is not
 * safe there: a string containing `</script>` ends the element, `<!--` changes how it is parsed,
 * and U+2028/U+2029 break older JavaScript parsers. Escaping `<`, `>`, `&` and those two as
 * `\uXXXX` keeps the text valid JSON (and JavaScript) that parses back to the same value.
 */
const UNSAFE = /[<>&\u2028\u2029]/g;

export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  return json.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
