// The codemod on one file: source text in, converted text and a report of every site out. Pure:
// no file system, no options beyond the arguments. One parse, all analysis on it, then the edits
// as text (text-edits.ts), then a parse of the result: an output that would not parse is an error,
// never written.
import { createWrappedNode, ts } from './ts-morph.cjs';
import type { SourceFile } from 'ts-morph';
import { findBindings, type Bindings } from './bindings.js';
import { FileNodes } from './file-nodes.js';
import { planImports, trainAccess } from './imports.js';
import { SymbolIndex } from './references.js';
import { compileStringEdit, factoryEdit, type OutputStyle, type RenderOptions } from './render.js';
import { findSites, type Site, type SiteKind, type UnconvertedSite } from './sites.js';
import { isTypeScript } from './extensions.js';
import { parseErrorsOf, scriptKindOf, syntaxErrors } from './syntax.js';
import { applyEdits, type TextEdit } from './text-edits.js';
import { todoEdits } from './todo-comments.js';

export interface TransformOptions {
  decay: number;
  /** Passed to layerDecayGroups; 'auto' (its default) is left out. */
  arch?: string;
  /** Mark each site left as it was with a TODO comment. */
  todo?: boolean;
}

export interface SiteReport {
  line: number;
  column: number;
  kind: SiteKind;
  converted: boolean;
  reason?: string;
}

export interface TransformResult {
  text: string;
  changed: boolean;
  sites: SiteReport[];
}

/** The input does not parse; the file is reported and left alone. */
export class ParseError extends Error {}

export function transformSource(input: string, fileName: string, options: TransformOptions): TransformResult {
  const bom = input.startsWith(BOM) ? BOM : '';
  const text = input.slice(bom.length);
  const result = transformParsed(text, fileName, parse(text, fileName), options);
  return { ...result, text: bom + result.text };
}

// The compiler's parser alone, and ts-morph's wrappers over its tree: no project, no program and
// no type checker (names are resolved by scopes.ts), so nothing is built for a file beyond its
// tree. Every file is parsed as a module (top-level await, imports), as the codemod writes imports
// into it.
function parse(text: string, fileName: string): SourceFile {
  const compilerFile = ts.createSourceFile(fileName, text, {
    languageVersion: ts.ScriptTarget.ESNext,
    setExternalModuleIndicator: (file) => { (file as { externalModuleIndicator?: unknown }).externalModuleIndicator = true; },
  }, true, scriptKindOf(fileName));
  return createWrappedNode(compilerFile) as SourceFile;
}

// Positions are offsets into the text without its byte order mark; the mark is put back on the output.
const BOM = '\uFEFF';

function transformParsed(text: string, fileName: string, sourceFile: SourceFile, options: TransformOptions): TransformResult {
  const parseErrors = parseErrorsOf(sourceFile.compilerNode);
  if (parseErrors.length) throw new ParseError(`does not parse: ${parseErrors[0]}`);
  const nodes = new FileNodes(sourceFile);
  const bindings = findBindings(sourceFile, nodes);
  // A file that neither imports tfjs nor names `tf` (a global or a parameter, reported) holds no site.
  if (!bindings.importsTfjs && !nodes.uses('tf')) return { text, changed: false, sites: [] };

  const index = new SymbolIndex(nodes);
  // JavaScript calls tf.train.<rule>(groups, ...) after install(tf) where the file has a tf.train
  // to call; TypeScript (whose tf.train types take numbers), and JavaScript that imports only
  // tfjs-layers (no tf.train), call groupedOptimizer.
  const style: OutputStyle = !isTypeScript(fileName) && trainAccess(bindings, index) !== undefined ? 'train-factory' : 'grouped-optimizer';
  let sites = findSites({ bindings, index, packageCallees: packageCallees(bindings) });
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const edits: TextEdit[] = [];
  if (sites.some((site) => site.converted)) {
    const plan = planImports(bindings, index, style, { quote: bindings.quote, semicolon: bindings.semicolon, newline });
    if ('reason' in plan) {
      sites = sites.map((site) => (site.converted ? { kind: site.kind, node: site.node, converted: false, reason: plan.reason } : site));
    } else {
      const render: RenderOptions = { style, decay: options.decay, arch: options.arch, quote: bindings.quote, newline };
      edits.push(...plan.edits);
      for (const site of sites) {
        if (site.converted) edits.push(site.kind === 'factory' ? factoryEdit(site, plan.names, render) : compileStringEdit(site, plan.names, render));
      }
    }
  }
  if (options.todo) {
    edits.push(...todoEdits(sourceFile, sites.filter((site): site is UnconvertedSite => !site.converted), newline));
  }
  const output = edits.length ? applyEdits(text, edits) : text;
  const outputErrors = output === text ? [] : syntaxErrors(fileName, output);
  if (outputErrors.length) throw new Error(`internal error: the converted file would not parse (${outputErrors[0]}); left unchanged`);
  return { text: output, changed: output !== text, sites: sites.map((site) => siteReport(site, sourceFile.compilerNode)) };
}

function packageCallees(bindings: Bindings): Set<string> {
  const { named, namespace } = bindings.packageBindings;
  const callees = new Set(named.values());
  if (namespace) for (const name of ['layerDecayGroups', 'groupedOptimizer', 'adamw']) callees.add(`${namespace}.${name}`);
  return callees;
}

function siteReport(site: Site, sourceFile: ts.SourceFile): SiteReport {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(site.node.getStart());
  const report: SiteReport = { line: line + 1, column: character + 1, kind: site.kind, converted: site.converted };
  if (!site.converted) report.reason = site.reason;
  return report;
}
