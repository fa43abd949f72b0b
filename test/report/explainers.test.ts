/** Rule explainers: loaded from the package's shipped READMEs, rendered without letting their markup through. */
import { describe, expect, it } from 'vitest';
import { explainerHtml, explainerMarkdown, loadExplainers } from '../../src/report/explainers.js';
import { RULES } from '../../src/rules/registry.js';

describe('rule explainers', () => {
  it('loads the shipped README of every registered rule, and nothing for ids that are not rule folders', async () => {
    const ids = RULES.map((r) => r.meta.id);
    const found = await loadExplainers([...ids, 'no-such-rule', '../../package', 'a/b', '..']);
    expect([...found.keys()]).toEqual(ids);
    for (const id of ids) expect(found.get(id)).toMatch(new RegExp(`^# ${id} — `));
  });

  it('turns the Markdown explainers use into HTML: headings, paragraphs, lists with continuation lines, code, emphasis', () => {
    const md = '# r — title\n\n**Scope.** Users whose *highest* tier\nis `owner`.\n\n**Fix.**\n1. First step,\n   continued.\n2. Second.\n\n- a\n- b & <c>\n\n```\nx < y\n```\n';
    expect(explainerHtml(md)).toBe([
      '<p class="xh">r — title</p>',
      '<p><strong>Scope.</strong> Users whose <em>highest</em> tier is <code>owner</code>.</p>',
      '<p><strong>Fix.</strong></p>',
      '<ol><li>First step, continued.</li><li>Second.</li></ol>',
      '<ul><li>a</li><li>b &amp; &lt;c&gt;</li></ul>',
      '<pre><code>x &lt; y</code></pre>',
    ].join('\n'));
  });

  it('embeds into Markdown with headings flattened and no raw HTML outside code', () => {
    expect(explainerMarkdown('# r — t\n\nText <b>x</b> `<kept>`\n1. one\n   more\n')).toBe('**r — t**\n\nText &lt;b>x&lt;/b> `<kept>`\n\n1. one more');
  });
});
