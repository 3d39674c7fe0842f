import { type Document, LineCounter, type Node, type Pair, isAlias, isMap, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import { FlintError } from '../../errors';

/**
 * The YAML side of the Butane translator: parsing with every syntax problem reported, Flint's own
 * messages for duplicate keys and extra documents, and alias/merge-key expansion under a budget.
 * Aliases and `<<` merge keys let a few hundred bytes name an exponential number of nodes (the
 * "billion laughs"); Go's yaml.v3, which Butane uses, refuses "excessive aliasing". Flint resolves
 * each alias once, expands each mapping's merge keys once, and stops with BUTANE_TOO_LARGE when a
 * translation visits more nodes than twice the document's own plus ALIAS_ALLOWANCE, so hostile
 * input costs time in proportion to its size.
 */

/** Node visits a translation may make beyond twice the document's own nodes (each alias use visits its target again). */
export const ALIAS_ALLOWANCE = 100_000;

/**
 * The variable parts of a Butane finding, so that a front end can word it in its own language
 * (electron/contract/config-issues.ts lists them per code); `reason` tells apart the messages of
 * one code. Ignition's findings on the translated output (output.ts `checkOutput`) carry none:
 * their message names the output path too, which only the English sentence says.
 */
export type ButaneParams = Readonly<Record<string, string | number>>;

/** A problem in a Butane config: a code, the YAML path, the message and the line and column it comes from. */
export interface ButaneIssue {
  code: string;
  path: string;
  message: string;
  line: number;
  column: number;
  params?: ButaneParams;
}

const lineOf = (i: ButaneIssue): string => `line ${i.line}: ${i.path}: ${i.message}`;

/** Thrown when a Butane config cannot be translated; `issues` lists every problem found. */
export class ButaneError extends FlintError {
  readonly issues: ButaneIssue[];
  constructor(issues: ButaneIssue[]) {
    // the message is the first problem; every other one is a cause (none is dropped)
    super(issues[0]!.code, lineOf(issues[0]!), issues.slice(1).map(lineOf));
    this.name = 'ButaneError';
    this.issues = issues;
  }
}

/** One parsed Butane document with the helpers the translator walks it with. */
export class ButaneYaml {
  readonly doc: Document;
  readonly lines: LineCounter;
  private readonly anchors = new Map<Node, Node | null>();
  private readonly merged = new Map<Node, Pair[] | 'expanding'>();
  private visited = 0;
  private readonly budget: number;

  private constructor(doc: Document, lines: LineCounter) {
    this.doc = doc;
    this.lines = lines;
    // one pass in document order: an alias names the last node with its anchor before it
    const byName = new Map<string, Node>();
    let own = 0;
    visit(doc, {
      Node: (_key, node) => {
        own++;
        if (isAlias(node)) this.anchors.set(node, byName.get(node.source) ?? null);
        else if (node.anchor) byName.set(node.anchor, node);
      },
    });
    this.budget = 2 * own + ALIAS_ALLOWANCE;
  }

  /** Parses `text`; throws a ButaneError listing every syntax problem, duplicate key and extra document. */
  static parse(text: string): ButaneYaml {
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [];
    const issues: ButaneIssue[] = [];
    const pos = (offset: number) => {
      const p = lines.linePos(offset);
      return { line: p.line, column: p.col };
    };
    for (const d of list) {
      for (const e of d.errors) {
        // the parser's own (English) detail is the only account of what is wrong
        const detail = e.message.split('\n')[0]!;
        issues.push({ code: 'BUTANE_YAML', path: '$', message: `not valid YAML: ${detail}`, params: { detail }, ...pos(e.pos[0]) });
      }
    }
    const extra = list.slice(1).find((d) => d.contents !== null);
    if (extra) {
      issues.push({
        code: 'BUTANE_MULTIPLE_DOCUMENTS',
        path: '$',
        message: 'a second YAML document starts here; a Butane config is one document (remove the "---" line or split the file)',
        params: {},
        ...pos(extra.range[0]),
      });
    }
    const doc = list[0] ?? parseAllDocuments('', { lineCounter: lines })[0];
    if (doc) {
      visit(doc, {
        Map: (_key, map) => {
          const seen = new Map<string, Node>();
          for (const p of map.items) {
            if (!isScalar(p.key)) continue;
            const k = String(p.key.value);
            const first = seen.get(k);
            if (!first) {
              seen.set(k, p.key);
              continue;
            }
            const at = pos(p.key.range?.[0] ?? 0);
            const firstLine = pos(first.range?.[0] ?? 0).line;
            issues.push({
              code: 'BUTANE_DUPLICATE_KEY',
              path: '$',
              message: `duplicate key "${k}" at line ${at.line}: already defined at line ${firstLine}`,
              params: { key: k, first: firstLine },
              ...at,
            });
          }
        },
      });
    }
    if (issues.length) throw new ButaneError(issues.sort((a, b) => a.line - b.line || a.column - b.column));
    return new ButaneYaml(doc as Document, lines);
  }

  /** Line and column of a node (1:1 when it has no position). */
  at(node: Node | null | undefined): { line: number; column: number } {
    const p = node?.range ? this.lines.linePos(node.range[0]) : { line: 1, col: 1 };
    return { line: p.line, column: p.col };
  }

  /** Counts one visited node; throws BUTANE_TOO_LARGE past the budget. */
  count(node: Node | null | undefined): void {
    if (++this.visited > this.budget) {
      throw new ButaneError([
        {
          code: 'BUTANE_TOO_LARGE',
          path: '$',
          message: `aliases and << merge keys expand the config to more than ${this.budget} YAML nodes; write the repeated parts out or use fewer aliases`,
          params: { budget: this.budget },
          ...this.at(node),
        },
      ]);
    }
  }

  /** Follows an alias (`*name`) to the node it names (null for an unknown anchor). */
  deref(node: Node | null | undefined): Node | null | undefined {
    if (!node || !isAlias(node)) return node;
    this.count(node);
    return this.anchors.get(node) ?? null;
  }

  /**
   * A mapping's pairs with `<<` merge keys expanded (explicit keys win, earlier merge sources win,
   * as in Go's YAML decoder). Each mapping is expanded once; a merge that reaches its own mapping
   * is an error.
   */
  pairsOf(node: Node): Pair[] {
    if (!isMap(node)) return [];
    const done = this.merged.get(node);
    if (done && done !== 'expanding') return done;
    this.merged.set(node, 'expanding');
    const isMerge = (p: Pair): boolean => isScalar(p.key) && (p.key.value === '<<' || typeof p.key.value === 'symbol');
    const keyOf = (p: Pair): string => (isScalar(p.key) ? String(p.key.value) : '?');
    const own = node.items.filter((p) => !isMerge(p));
    const seen = new Set(own.map(keyOf));
    const out = [...own];
    for (const p of node.items) {
      if (!isMerge(p)) continue;
      const v = this.deref(p.value as Node);
      const sources = v && isSeq(v) ? v.items.map((i) => this.deref(i as Node)) : [v];
      for (const src of sources) {
        if (src && this.merged.get(src) === 'expanding') {
          throw new ButaneError([
            {
              code: 'BUTANE_ALIAS_LOOP',
              path: '$',
              message: 'this << merge key includes the mapping it is part of',
              params: {},
              ...this.at(p.key as Node),
            },
          ]);
        }
        for (const q of src ? this.pairsOf(src) : []) {
          this.count(q.key as Node);
          if (!seen.has(keyOf(q))) {
            seen.add(keyOf(q));
            out.push(q);
          }
        }
      }
    }
    this.merged.set(node, out);
    return out;
  }
}
