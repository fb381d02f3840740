/**
 * Just enough XML reading for SOAP login responses and faults: find an element by local name (any namespace prefix)
 * and read its text. No xml dependency, so the client stays small and browser-safe.
 */

/** Escapes text for an XML element body or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Decodes the five named entities and numeric character references. */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e]!;
  });
}

/**
 * The inner XML of the first element named `localName` (namespace prefix ignored) inside `xml`, or undefined.
 * Self-closing elements give ''.
 */
export function xmlInner(xml: string, localName: string): string | undefined {
  let pos = 0;
  while ((pos = xml.indexOf('<', pos)) >= 0) {
    const open = readTag(xml, pos);
    if (!open) return undefined;
    pos = open.end;
    if (open.closing || localOf(open.name) !== localName) continue;
    if (open.selfClosing) return '';
    // find the matching close tag, counting nested elements of the same name
    let depth = 1;
    let scan = pos;
    while ((scan = xml.indexOf('<', scan)) >= 0) {
      const tag = readTag(xml, scan);
      if (!tag) return undefined;
      if (localOf(tag.name) === localName && !tag.selfClosing) depth += tag.closing ? -1 : 1;
      if (depth === 0) return xml.slice(pos, scan);
      scan = tag.end;
    }
    return undefined;
  }
  return undefined;
}

/** The decoded text of the first element named `localName`, with nested markup removed. */
export function xmlText(xml: string, localName: string): string | undefined {
  const inner = xmlInner(xml, localName);
  return inner === undefined ? undefined : unescapeXml(stripTags(inner)).trim();
}

/** Removes markup, keeping text (also used for text/html error pages). */
export function stripTags(markup: string): string {
  let out = '';
  let pos = 0;
  while (pos < markup.length) {
    const lt = markup.indexOf('<', pos);
    if (lt < 0) { out += markup.slice(pos); break; }
    out += markup.slice(pos, lt);
    const tag = readTag(markup, lt);
    if (!tag) break;
    // drop script/style bodies entirely
    const name = tag.name.toLowerCase();
    if (!tag.closing && !tag.selfClosing && (name === 'script' || name === 'style' || name === 'head')) {
      const close = markup.toLowerCase().indexOf(`</${name}`, tag.end);
      pos = close < 0 ? markup.length : markup.indexOf('>', close) + 1 || markup.length;
      out += ' ';
      continue;
    }
    out += ' ';
    pos = tag.end;
  }
  return out.replace(/\s+/g, ' ');
}

interface Tag { name: string; closing: boolean; selfClosing: boolean; end: number }

function readTag(xml: string, lt: number): Tag | undefined {
  if (xml.startsWith('<!--', lt)) {
    const end = xml.indexOf('-->', lt);
    return end < 0 ? undefined : { name: '!--', closing: false, selfClosing: true, end: end + 3 };
  }
  if (xml.startsWith('<![CDATA[', lt)) {
    const end = xml.indexOf(']]>', lt);
    return end < 0 ? undefined : { name: '![CDATA[', closing: false, selfClosing: true, end: end + 3 };
  }
  let end = lt + 1;
  let quote = '';
  for (; end < xml.length; end++) {
    const c = xml[end];
    if (quote) { if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '>') break;
  }
  if (end >= xml.length) return undefined;
  const body = xml.slice(lt + 1, end);
  const closing = body.startsWith('/');
  const selfClosing = body.endsWith('/') || body.startsWith('?') || body.startsWith('!');
  const name = (closing ? body.slice(1) : body).split(/[\s/>]/, 1)[0] ?? '';
  return { name, closing, selfClosing, end: end + 1 };
}

function localOf(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}
