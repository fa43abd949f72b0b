/**
 * What the collector tells the person running it, on stderr:
 * - `--log-format json`: one JSON object per line (time, level, collection, event, counts, retry and
 *   throttle details), for pipelines and log shippers;
 * - text on a TTY: a live table per collection (items, rate, ETA, throttling waits), redrawn in place;
 * - text elsewhere: a line when a collection starts or ends, and throttling notes (rate-limited).
 * Text lines show tenant-provided parts (messages, collection keys, notes) with control and bidi
 * characters escaped (escapeControls), so a hostile name cannot redraw the terminal; JSON lines write
 * them as \uXXXX escapes. Every line passes through `scrub()`: known secrets and anything shaped like a JWT are replaced
 * before they can reach a terminal or a log file.
 */
import { escapeControls, escapeJsonControls } from '../vocabulary.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface LogEvent {
  level: Level;
  event: string;
  collection?: string;
  message?: string;
  [key: string]: unknown;
}

export interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]{16,}/gi;

export function makeScrubber(secrets: string[]): (s: string) => string {
  const list = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (s: string) => {
    let out = s.replace(JWT, '[redacted-token]').replace(BEARER, '$1[redacted-token]');
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    // the JSON-escaped form of a secret, too
    for (const secret of list) {
      const esc = JSON.stringify(secret).slice(1, -1);
      if (esc !== secret && out.includes(esc)) out = out.split(esc).join('[redacted]');
    }
    return out;
  };
}

export interface CollectionStatus {
  key: string;
  family: string;
  state: 'waiting' | 'running' | 'done' | 'unavailable' | 'skipped' | 'resumed';
  items: number;
  total?: number | undefined;
  startedAt?: number;
  endedAt?: number;
  note?: string;
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
function fmtDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

export class Logger {
  readonly scrub: (s: string) => string;
  private readonly statuses = new Map<string, CollectionStatus>();
  private readonly pauses = new Map<string, { until: number; reason: string }>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastThrottleNote = new Map<string, number>();
  private stopped = false;
  readonly live: boolean;

  constructor(
    private readonly opts: { format: 'text' | 'json'; sink: Sink; secrets?: string[]; verbose?: boolean; quiet?: boolean },
  ) {
    this.scrub = makeScrubber(opts.secrets ?? []);
    this.live = opts.format === 'text' && !!opts.sink.isTTY && !opts.quiet;
  }

  start(): void {
    if (this.live && !this.timer) {
      this.timer = setInterval(() => this.render(), 250);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.live) this.render();
    this.drawn = 0;
    this.stopped = true; // the last table stays; later lines print below it
  }

  private write(text: string): void {
    this.opts.sink.write(this.scrub(text));
  }

  log(e: LogEvent): void {
    if (this.opts.format === 'json') {
      if (e.level === 'debug' && !this.opts.verbose) return;
      this.write(escapeJsonControls(JSON.stringify({ time: new Date().toISOString(), ...e })) + '\n');
      return;
    }
    if (this.opts.quiet && e.level !== 'error' && e.level !== 'warn') return;
    if (e.level === 'debug' && !this.opts.verbose) return;
    if (e.message === undefined) return;
    const prefix = e.level === 'warn' ? 'warning: ' : e.level === 'error' ? 'error: ' : '';
    const line = `mfaguard: collect: ${prefix}${e.collection ? `${escapeControls(e.collection)}: ` : ''}${escapeControls(e.message)}\n`;
    if (this.live && !this.stopped) {
      this.clear();
      this.write(line);
      this.render();
    } else this.write(line);
  }

  // ---- per-collection status ----------------------------------------------------------------

  status(key: string, family: string): CollectionStatus {
    let s = this.statuses.get(key);
    if (!s) {
      s = { key, family, state: 'waiting', items: 0 };
      this.statuses.set(key, s);
    }
    return s;
  }

  allStatuses(): CollectionStatus[] {
    return [...this.statuses.values()];
  }

  /** Throttling: always in the live view; in text logs at most every 10 s per family. */
  throttled(family: string, waitMs: number, reason: string): void {
    this.pauses.set(family, { until: Date.now() + waitMs, reason });
    const last = this.lastThrottleNote.get(family) ?? 0;
    const event: LogEvent = { level: 'info', event: 'throttle', family, waitMs: Math.round(waitMs), reason };
    if (this.opts.format === 'json') return this.log(event);
    if (Date.now() - last < 10_000) return;
    this.lastThrottleNote.set(family, Date.now());
    this.log({ ...event, message: `${family} endpoints throttled (${reason}): waiting ${(waitMs / 1000).toFixed(1)} s` });
  }

  private clear(): void {
    if (!this.drawn) return;
    this.opts.sink.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private render(): void {
    if (!this.live || this.stopped) return;
    const width = Math.max(60, (this.opts.sink.columns || 100) - 1);
    const lines: string[] = [];
    const now = Date.now();
    for (const s of this.statuses.values()) {
      const elapsed = ((s.endedAt ?? now) - (s.startedAt ?? now)) / 1000;
      const rate = elapsed > 0.5 ? s.items / elapsed : 0;
      let tail = '';
      if (s.state === 'running') {
        const pause = this.pauses.get(s.family);
        if (pause && pause.until > now) tail = `throttled, resuming in ${((pause.until - now) / 1000).toFixed(0)} s`;
        else if (s.total && rate > 0) tail = `ETA ${fmtDuration(((s.total - s.items) / rate) * 1000)}`;
      } else if (s.state === 'done') tail = `done in ${elapsed.toFixed(1)} s`;
      else if (s.state === 'resumed') tail = 'done (earlier run)';
      else if (s.state === 'unavailable') tail = `UNAVAILABLE ${s.note ?? ''}`;
      else if (s.state === 'skipped') tail = s.note ?? 'skipped';
      else tail = s.note ?? 'waiting';
      const count = s.total ? `${fmtInt(s.items)} / ${fmtInt(s.total)}` : fmtInt(s.items);
      tail = escapeControls(tail);
      const line = `${escapeControls(s.key).padEnd(30)} ${count.padStart(17)} ${(rate ? `${fmtInt(rate)}/s` : '').padStart(9)}  ${tail}`;
      lines.push(line.length > width ? line.slice(0, width) : line);
    }
    this.clear();
    if (lines.length) {
      this.write(lines.join('\n') + '\n');
      this.drawn = lines.length;
    }
  }
}
