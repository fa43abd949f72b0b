/**
 * Rule explainers: each rule's src/rules/<id>/README.md (what it checks, why, how to fix), shipped in
 * the package. The CLI loads them here and hands them to the human formats through RenderOptions, so
 * the pure core never reads a file and renderers stay testable with explainers of their own.
 *
 * The files are ours, but they are still rendered defensively: the HTML report gets escaped text with
 * only the Markdown the explainers use (headings, paragraphs, lists, code, emphasis) turned into tags,
 * and the Markdown report gets them with headings flattened and nothing that could open raw HTML.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../package.js';
import { escapeHtml } from './html-escape.js';

/** Rule id -> the explainer's Markdown. */
export type Explainers = ReadonlyMap<string, string>;

/** Rule ids are folder names; a re-rendered report (`report --from`) is input, so check before joining paths. */
const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Explainer text per rule id read so far (undefined: the rule has none); shipped files do not change while we run. */
const read = new Map<string, string | undefined>();

/** The shipped explainers of these rules; a rule without one (e.g. from a newer mfaguard's report) is left out. */
export async function loadExplainers(ruleIds: Iterable<string>): Promise<Explainers> {
  const found = new Map<string, string>();
  for (const id of ruleIds) {
    if (!RULE_ID.test(id) || found.has(id)) continue;
    if (!read.has(id)) {
      try {
        read.set(id, await readFile(join(packageRoot(), 'src', 'rules', id, 'README.md'), 'utf8'));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        read.set(id, undefined);
      }
    }
    const text = read.get(id);
    if (text !== undefined) found.set(id, text);
  }
  return found;
}

type Block = { kind: 'heading' | 'paragraph' | 'code'; text: string } | { kind: 'list'; ordered: boolean; items: string[] };

const LIST_ITEM = /^\s*(?:([-*])|(\d+)\.)\s+(.*)$/;

/** The block structure of the Markdown subset explainers use. */
function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  let open: Block | undefined;
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      const code: string[] = [];
      while (++i < lines.length && !lines[i]!.startsWith('```')) code.push(lines[i]!);
      out.push({ kind: 'code', text: code.join('\n') });
      open = undefined;
      continue;
    }
    if (!line.trim()) { open = undefined; continue; }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) { out.push({ kind: 'heading', text: heading[1]!.trim() }); open = undefined; continue; }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = item[2] !== undefined;
      if (open?.kind !== 'list' || open.ordered !== ordered) out.push((open = { kind: 'list', ordered, items: [] }));
      open.items.push(item[3]!.trim());
      continue;
    }
    if (open?.kind === 'list' && /^\s/.test(line)) { open.items[open.items.length - 1] += ' ' + line.trim(); continue; }
    if (open?.kind === 'paragraph') { open.text += ' ' + line.trim(); continue; }
    out.push((open = { kind: 'paragraph', text: line.trim() }));
  }
  return out;
}

/** Escaped inline text with `code`, **strong** and *emphasis* as tags. */
function inlineHtml(text: string): string {
  return text.split(/(`[^`]*`)/).map((part) => {
    if (part.length > 1 && part.startsWith('`') && part.endsWith('`')) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
    return escapeHtml(part)
      .replace(/\*\*(\S(?:.*?\S)?)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[^*\w])\*(\S(?:[^*]*?\S)?)\*(?![*\w])/g, '$1<em>$2</em>');
  }).join('');
}

/** An explainer as HTML for the report: every character of the file escaped, structure as tags. */
export function explainerHtml(markdown: string): string {
  return blocks(markdown).map((b) => {
    switch (b.kind) {
      case 'heading': return `<p class="xh">${inlineHtml(b.text)}</p>`;
      case 'paragraph': return `<p>${inlineHtml(b.text)}</p>`;
      case 'code': return `<pre><code>${escapeHtml(b.text)}</code></pre>`;
      case 'list': {
        const tag = b.ordered ? 'ol' : 'ul';
        return `<${tag}>${b.items.map((it) => `<li>${inlineHtml(it)}</li>`).join('')}</${tag}>`;
      }
    }
  }).join('\n');
}

/**
 * An explainer for embedding in a Markdown document: headings become bold lines (the report keeps
 * its own outline) and `<` outside code becomes `&lt;`, so nothing in it can open raw HTML.
 */
export function explainerMarkdown(markdown: string): string {
  return blocks(markdown).map((b) => {
    switch (b.kind) {
      case 'heading': return `**${inlineMarkdown(b.text)}**`;
      case 'paragraph': return inlineMarkdown(b.text);
      case 'code': return '```\n' + b.text.replace(/^```/gm, '\\`\\`\\`') + '\n```';
      case 'list': return b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : '-'} ${inlineMarkdown(it)}`).join('\n');
    }
  }).join('\n\n');
}

function inlineMarkdown(text: string): string {
  return text.split(/(`[^`]*`)/).map((part) => (part.startsWith('`') && part.endsWith('`') && part.length > 1 ? part : part.replace(/</g, '&lt;'))).join('');
}
