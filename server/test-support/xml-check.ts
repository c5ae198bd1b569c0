/**
 * A small XML 1.0 well-formedness check for the tests of the JUnit output: one root, tags nested
 * and closed, attributes quoted, no raw `<` or stray `&` in text, only the five named entities and
 * character references. Returns the element tree so tests can read it.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = '[A-Za-z_][\\w.:-]*';
const START_TAG = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`);
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g');
const STRAY_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

const decode = (text: string, where: string) => {
  if (STRAY_AMPERSAND.test(text)) throw new Error(`stray & in ${where}`);
  return text
    .replace(/&#x([0-9a-fA-F]+);/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[name]!);
};

export function parseXml(xml: string): XmlElement {
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (rest.length > 0) {
    if (root && stack.length === 0) {
      if (rest.trim() !== '') throw new Error(`content after the root element: ${rest.slice(0, 40)}`);
      break;
    }
    if (rest.startsWith('</')) {
      const match = new RegExp(`^</(${NAME})\\s*>`).exec(rest);
      const open = stack.pop();
      if (!match || !open || match[1] !== open.name) throw new Error(`mismatched closing tag at: ${rest.slice(0, 40)}`);
      rest = rest.slice(match[0].length);
    } else if (rest.startsWith('<')) {
      const match = START_TAG.exec(rest);
      if (!match) throw new Error(`malformed tag at: ${rest.slice(0, 40)}`);
      const attributes: Record<string, string> = {};
      for (const [, name, double, single] of match[2]!.matchAll(ATTRIBUTE)) {
        if (name! in attributes) throw new Error(`duplicate attribute ${name}`);
        attributes[name!] = decode(double ?? single ?? '', `attribute ${name}`);
      }
      const element: XmlElement = { name: match[1]!, attributes, children: [], text: '' };
      if (stack.length > 0) stack.at(-1)!.children.push(element);
      else if (root) throw new Error('a second root element');
      else root = element;
      if (match[3] !== '/') stack.push(element);
      rest = rest.slice(match[0].length);
    } else {
      const end = rest.indexOf('<');
      const text = end === -1 ? rest : rest.slice(0, end);
      if (stack.length === 0 && text.trim() !== '') throw new Error('text outside the root element');
      if (stack.length > 0) stack.at(-1)!.text += decode(text, `<${stack.at(-1)!.name}>`);
      rest = end === -1 ? '' : rest.slice(end);
    }
  }
  if (!root || stack.length > 0) throw new Error(`unclosed element ${stack.at(-1)?.name ?? '(none)'}`);
  return root;
}

/** Every element below (and including) this one with the name. */
export const elementsNamed = (element: XmlElement, name: string): XmlElement[] => [
  ...(element.name === name ? [element] : []),
  ...element.children.flatMap((child) => elementsNamed(child, name)),
];
