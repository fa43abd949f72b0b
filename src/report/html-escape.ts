/**
 * Escaping for the HTML report: text into markup, values into inline JSON data blocks. Every string
 * first passes through escapeControls, so control and bidi characters from the tenant show as `\x1b`,
 * `\u202e` in the page (the script puts data into the DOM with textContent, which would keep them).
 */
import { escapeControls } from '../vocabulary.js';

const visibleStrings = (_key: string, v: unknown) => (typeof v === 'string' ? escapeControls(v) : v);

/** JSON that is safe inside <script type="application/json">: no `<`, `>`, `&`, U+2028 or U+2029 survive. */
export function scriptJson(value: unknown): string {
  const s = JSON.stringify(value, visibleStrings) ?? 'null';
  return s.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

export function escapeHtml(s: string): string {
  return escapeControls(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
