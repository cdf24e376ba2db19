// Mermaid's own parser on every ```mermaid fence of the Markdown files given as arguments:
// exits 1 naming the file and the error when one does not parse, or when a file has none.
// Mermaid sanitizes labels with DOMPurify, which needs a DOM: jsdom provides one.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

let failed = 0;
let parsed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const blocks = [...text.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  if (blocks.length === 0) {
    console.error(`${file}: no mermaid diagram`);
    failed++;
    continue;
  }
  for (const block of blocks) {
    try {
      const result = await mermaid.parse(block);
      if (result.diagramType !== 'flowchart-v2') {
        throw new Error(`read as ${result.diagramType}, not a flowchart`);
      }
      parsed++;
    } catch (e) {
      console.error(`${file}: ${String(e.message ?? e)}`);
      failed++;
    }
  }
}
console.log(`mermaid ${JSON.parse(readFileSync(new URL('./node_modules/mermaid/package.json', import.meta.url))).version}: ${parsed} diagrams parsed, ${failed} refused`);
process.exit(failed === 0 ? 0 : 1);
