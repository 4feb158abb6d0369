// .ci/map-check.mjs FILE.md... -- checks kmslint's Markdown maps as GitHub shows them: rendered
// by a CommonMark renderer with GFM tables (markdown-it), every table keeps its rows and cells,
// no input string becomes HTML, and every Mermaid block reaches the renderer intact and is
// accepted by Mermaid's own parser.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import MarkdownIt from 'markdown-it';

// Mermaid sanitises labels with DOMPurify, which needs a DOM.
const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

// `html: true`, so an input string that would become HTML shows up as an html token.
const md = new MarkdownIt({ html: true, linkify: false });
let failed = 0;
const fail = (file, what) => {
  console.error(`FAILED: ${file}: ${what}`);
  failed = 1;
};

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const tokens = md.parse(text, {});
  const lines = text.split('\n');
  // Tables in the source: runs of lines starting with `| `.
  let sourceTables = 0;
  let sourceRows = 0;
  let pipes = 0;
  // Cell separators: `|` not escaped (markdown-it drops the cells beyond the header's).
  const separators = (line) => line.replace(/\\./g, '').split('|').length - 1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('| ')) {
      sourceRows++;
      if (i === 0 || !lines[i - 1].startsWith('| ')) {
        sourceTables++;
        pipes = separators(lines[i]);
      } else if (separators(lines[i]) !== pipes) {
        fail(file, `line ${i + 1} has ${separators(lines[i]) - 1} cells, its header ${pipes - 1}`);
      }
    }
  }
  let tables = 0;
  let rows = 0;
  let headerCells = 0;
  let cells = 0;
  let fences = 0;
  for (const [i, t] of tokens.entries()) {
    if (t.type === 'html_block' || t.type === 'html_inline') fail(file, `HTML from input: ${t.content}`);
    if (t.type === 'inline') {
      for (const c of t.children ?? []) {
        if (c.type === 'html_inline') fail(file, `HTML from input: ${c.content}`);
        if (c.type === 'link_open') fail(file, `a link from input: ${c.attrGet('href')}`);
      }
    }
    if (t.type === 'table_open') {
      tables++;
      headerCells = 0;
    }
    if (t.type === 'tr_open') {
      rows++;
      cells = 0;
    }
    if (t.type === 'th_open') headerCells++;
    if (t.type === 'td_open') cells++;
    if (t.type === 'tr_close' && tokens[i - 1]?.type === 'td_close' && cells !== headerCells) {
      fail(file, `a row has ${cells} cells, its header ${headerCells} (line ${t.map?.[0]})`);
    }
    if (t.type === 'fence') {
      if (t.info.trim() !== 'mermaid') fail(file, `a code block that is not Mermaid: ${t.info}`);
      fences++;
      const start = text.indexOf('```mermaid\n') + '```mermaid\n'.length;
      const source = text.slice(start, text.indexOf('\n```', start) + 1);
      if (t.content !== source) fail(file, 'the Mermaid block is not rendered as written');
      if (!t.content.startsWith('flowchart LR\n')) fail(file, 'the graph is not a flowchart LR');
      try {
        const parsed = await mermaid.parse(t.content);
        if (!parsed || !String(parsed.diagramType).startsWith('flowchart')) {
          fail(file, `Mermaid read another diagram: ${JSON.stringify(parsed)}`);
        }
      } catch (e) {
        fail(file, `Mermaid rejects the graph: ${e.message}`);
      }
    }
  }
  if (tables !== sourceTables) fail(file, `${sourceTables} tables written, ${tables} rendered`);
  // Each table's delimiter row is no table row once rendered.
  if (rows !== sourceRows - sourceTables) fail(file, `${sourceRows - sourceTables} table rows written, ${rows} rendered`);
  if (fences !== 1) fail(file, `${fences} Mermaid blocks, expected 1`);
  if (!failed) console.error(`ok: ${file}: ${tables} tables, ${rows} rows, ${fences} Mermaid graph`);
}
process.exit(failed);
