/**
 * `exempt`: appends one exemption to the tenant configuration (spec/config.md), keeping the file's
 * comments and layout (the `yaml` Document API edits the parsed document in place), creating the
 * file with `mfaguardConfig: 1` when it does not exist. The whole result is validated with the same
 * parser scans use before anything is written, and written atomically (temporary file + rename), so a
 * bad entry never leaves a broken configuration behind. The CLI and the dashboard share it.
 */
import { readFile } from 'node:fs/promises';
import { Document, isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { InputError, UsageError } from '../errors.js';
import { CONFIG_VERSION, parseConfigText } from '../config/parse.js';
import type { Exemption, ExemptionCategory, TenantConfig } from '../config/types.js';
import { decodeText } from '../snapshot/decode.js';
import { writeFileAtomically } from './output.js';

export interface ExemptOptions {
  /** The configuration file to edit (created when missing). */
  file: string;
  /** Rule ids (one or more), or '*' for every rule. */
  rules: readonly string[] | '*';
  /** A user UPN or object id, a policy id or the tenant id; exactly one of resource and group. */
  resource?: string | undefined;
  /** A group object id (its transitive members). */
  group?: string | undefined;
  /** Azure rules only: the exemption holds while all the user's access of that tier lies at or below it. */
  scope?: string | undefined;
  category?: ExemptionCategory | undefined;
  reason: string;
  /** A date (00:00 UTC) or a date-time, as it will be written. */
  expires: string;
  approvedBy?: string | undefined;
  ticket?: string | undefined;
}

export interface ExemptResult {
  file: string;
  /** The file did not exist and was created. */
  created: boolean;
  /** The new exemption as the parser reads it back (with its line in the file). */
  exemption: Exemption;
  /** The whole configuration after the change. */
  config: TenantConfig;
}

async function readExisting(file: string): Promise<string | undefined> {
  try {
    return decodeText(await readFile(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new InputError(code === 'EISDIR' ? 'is a directory, expected a configuration file' : `cannot read (${code ?? (err as Error).message})`, file);
  }
}

export async function addExemption(opts: ExemptOptions): Promise<ExemptResult> {
  if (!opts.file) throw new UsageError('exempt: no configuration file given');
  if (opts.rules !== '*' && !opts.rules.length) throw new UsageError('exempt: name at least one rule id (or "*")');
  const entry: Record<string, unknown> = {
    rules: opts.rules === '*' ? '*' : opts.rules.length === 1 ? opts.rules[0] : [...opts.rules],
    ...(opts.resource !== undefined ? { resource: opts.resource } : {}),
    ...(opts.group !== undefined ? { group: opts.group } : {}),
    ...(opts.scope !== undefined ? { scope: opts.scope } : {}),
    ...(opts.category !== undefined ? { category: opts.category } : {}),
    reason: opts.reason,
    expires: opts.expires,
    ...(opts.approvedBy !== undefined ? { approvedBy: opts.approvedBy } : {}),
    ...(opts.ticket !== undefined ? { ticket: opts.ticket } : {}),
  };

  const existing = await readExisting(opts.file);
  // The existing file must be valid before we touch it: never build on a configuration scans would refuse.
  if (existing !== undefined) parseConfigText(existing, opts.file);
  let text: string;
  if (existing !== undefined && /^\s*[{[]/.test(existing)) {
    // A JSON configuration stays JSON (it has no comments to keep).
    const doc = JSON.parse(existing) as Record<string, unknown>;
    doc.exemptions = [...((doc.exemptions as unknown[] | null | undefined) ?? []), entry];
    text = JSON.stringify(doc, null, 2) + '\n';
  } else {
    text = appendYaml(existing ?? `mfaguardConfig: ${CONFIG_VERSION}\n`, entry, opts.file);
  }

  const config = parseConfigText(text, opts.file);
  const exemption = config.exemptions.at(-1)!;
  await writeFileAtomically(opts.file, async (write) => { await write(text); });
  return { file: opts.file, created: existing === undefined, exemption, config };
}

/**
 * The text with `entry` appended to its `exemptions` list. The existing bytes are kept exactly: the
 * entry is spliced in as text after the list's last item, indented like the items before it (or a
 * new `exemptions:` block at the end). Only a list the splice cannot extend (a flow list `[]`, an
 * empty `exemptions:`) is re-serialised through the Document API, which keeps comments.
 */
function appendYaml(original: string, entry: Record<string, unknown>, file: string): string {
  const lc = new LineCounter();
  const doc = parseDocument(original, { lineCounter: lc });
  if (!isMap(doc.contents)) throw new InputError('expected a mapping of keys at the top of the configuration', file, 1);
  const item = new Document([entry]).toString({ lineWidth: 0 }); // "- rules: …\n  reason: …\n"
  const indented = (indent: string) => item.split('\n').filter(Boolean).map((l) => indent + l).join('\n') + '\n';
  const list = doc.get('exemptions', true);
  if (list === undefined) {
    const sep = original.length && !original.endsWith('\n') ? '\n' : '';
    return `${original}${sep}exemptions:\n${indented('  ')}`;
  }
  if (isSeq(list) && list.items.length && !list.flow) {
    const last = list.items[list.items.length - 1] as { range?: [number, number, number] } | null;
    const first = list.items[0] as { range?: [number, number, number] } | null;
    if (last?.range && first?.range) {
      // the items' dash column, from the first item's line
      const lineStart = original.lastIndexOf('\n', first.range[0] - 1) + 1;
      const dash = original.slice(lineStart, first.range[0]).indexOf('-');
      if (dash >= 0) {
        const endOfLine = original.indexOf('\n', Math.max(last.range[1] - 1, 0));
        const at = endOfLine < 0 ? original.length : endOfLine + 1;
        const head = original.slice(0, at) + (endOfLine < 0 ? '\n' : '');
        return head + indented(' '.repeat(dash)) + original.slice(at);
      }
    }
  }
  const node = doc.createNode(entry);
  if (isSeq(list)) list.add(node);
  else doc.set('exemptions', doc.createNode([entry]));
  return doc.toString({ lineWidth: 0 });
}
