// A small reader of the XML that AWS's query-protocol services answer with (ELBv2): elements,
// their text, and the <member> elements of lists. Attributes (the answer's xmlns) are read past
// and dropped. It reads only what such answers hold: no DOCTYPE, no entity declarations, no
// processing instructions (beyond the leading <?xml ...?>), and no entities but the five XML
// predefines and character references, so an answer cannot make it fetch or expand anything.
// Anything else is refused as MalformedXml, as is a tag left open or closed out of order.

import { MalformedXml } from './errors.js';

export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The element's own text, entities decoded (whitespace between child elements included). */
  text: string;
}

/** Deeper than any AWS answer nests; a bound on what one answer can make the reader hold. */
const MAX_DEPTH = 64;

const NAME = /[A-Za-z_][\w.:-]*/y;
/** What may follow a tag's name: attributes (read past), then `>` or `/>`. */
const TAG_REST = /(?:\s+[^\s=/>]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*(\/?)>/y;
const END_TAG = /<\/([A-Za-z_][\w.:-]*)\s*>/y;
const DECLARATION = /^\uFEFF?\s*<\?xml\s[^?]*\?>/;

/** The document's root element. */
export function parseXml(xml: string): XmlElement {
  const declaration = DECLARATION.exec(xml);
  let at = declaration === null ? 0 : declaration[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  while (at < xml.length) {
    const lt = xml.indexOf('<', at);
    const end = lt === -1 ? xml.length : lt;
    if (end > at) addText(xml.slice(at, end), stack, root !== undefined);
    if (lt === -1) break;
    at = lt;
    if (xml.startsWith('<!--', at)) {
      const close = xml.indexOf('-->', at + 4);
      if (close === -1) throw new MalformedXml('a comment is never closed');
      at = close + 3;
    } else if (xml.startsWith('<![CDATA[', at)) {
      const close = xml.indexOf(']]>', at + 9);
      if (close === -1) throw new MalformedXml('a CDATA section is never closed');
      if (stack.length === 0) throw new MalformedXml('a CDATA section outside the root element');
      stack.at(-1)!.text += xml.slice(at + 9, close);
      at = close + 3;
    } else if (xml.startsWith('<!', at) || xml.startsWith('<?', at)) {
      throw new MalformedXml(
        'the answer holds a DOCTYPE, a declaration or a processing instruction, which are refused',
      );
    } else if (xml.startsWith('</', at)) {
      END_TAG.lastIndex = at;
      const match = END_TAG.exec(xml);
      const open = stack.pop();
      if (match === null || open === undefined || match[1] !== open.name)
        throw new MalformedXml(
          `a closing tag does not match ${open === undefined ? 'any open element' : `<${open.name}>`}`,
        );
      at = END_TAG.lastIndex;
      if (stack.length === 0) root = open;
    } else {
      if (root !== undefined) throw new MalformedXml('the answer holds more than one root element');
      NAME.lastIndex = at + 1;
      const name = NAME.exec(xml)?.[0];
      if (name === undefined) throw new MalformedXml(`a tag at offset ${at} has no name`);
      TAG_REST.lastIndex = NAME.lastIndex;
      const rest = TAG_REST.exec(xml);
      if (rest === null) throw new MalformedXml(`the tag <${name}> is not well formed`);
      at = TAG_REST.lastIndex;
      const element: XmlElement = { name, children: [], text: '' };
      stack.at(-1)?.children.push(element);
      if (rest[1] === '/') {
        if (stack.length === 0) root = element;
      } else {
        if (stack.length >= MAX_DEPTH) throw new MalformedXml(`elements nest deeper than ${MAX_DEPTH}`);
        stack.push(element);
      }
    }
  }
  if (stack.length > 0) throw new MalformedXml(`<${stack.at(-1)!.name}> is never closed`);
  if (root === undefined) throw new MalformedXml('the answer holds no XML element');
  return root;
}

function addText(raw: string, stack: XmlElement[], afterRoot: boolean): void {
  const open = stack.at(-1);
  if (open === undefined) {
    if (raw.trim() !== '') throw new MalformedXml(`text ${afterRoot ? 'after' : 'before'} the root element`);
    return;
  }
  open.text += decodeEntities(raw);
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text with the five predefined entities and character references decoded; any other `&` refused. */
export function decodeEntities(raw: string): string {
  return raw.replace(/&([^;&<]*);?/g, (whole, entity: string) => {
    if (!whole.endsWith(';')) throw new MalformedXml('an `&` in the text starts no entity');
    const predefined = PREDEFINED[entity];
    if (predefined !== undefined) return predefined;
    const reference = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(entity);
    const code = reference === null ? NaN : parseInt(reference[1] ?? reference[2]!, reference[1] ? 16 : 10);
    if (!isXmlChar(code)) throw new MalformedXml(`the entity ${whole} is not one XML predefines`);
    return String.fromCodePoint(code);
  });
}

/** A character XML 1.0 allows (its Char production). */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** The first child element named `name`. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/** The text of the first child element named `name`, or undefined where there is none. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  return child(element, name)?.text;
}

/** The <member> elements of the list element `name` (none where it is absent or empty). */
export function members(element: XmlElement | undefined, name: string): XmlElement[] {
  return child(element, name)?.children.filter((c) => c.name === 'member') ?? [];
}
