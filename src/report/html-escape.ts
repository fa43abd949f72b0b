/** Escaping for the HTML report: text into markup, values into inline JSON data blocks. */

/** JSON that is safe inside <script type="application/json">: no `<`, `>`, `&`, U+2028 or U+2029 survive. */
export function scriptJson(value: unknown): string {
  const s = JSON.stringify(value) ?? 'null';
  return s.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
