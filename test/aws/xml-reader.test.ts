// The XML reader under the ELBv2 requests (shared/aws/xml-reader.ts): what AWS's query answers
// hold is read (elements, text, <member> lists, the five predefined entities and character
// references), and everything an answer could use to make a reader fetch or expand something
// (a DOCTYPE, an entity of its own) is refused, as is XML that is not well formed. Random
// values written by the local cloud's own XML writer (local/aws/query-protocol.ts) read back.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toXml } from '../../local/aws/query-protocol.js';
import { MalformedXml } from '../../shared/aws/errors.js';
import {
  child,
  childText,
  decodeEntities,
  members,
  parseXml,
  type XmlElement,
} from '../../shared/aws/xml-reader.js';

const DESCRIBE_RULES = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeRulesResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <DescribeRulesResult>
    <Rules>
      <member>
        <RuleArn>arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/1/2/3</RuleArn>
        <Priority>10</Priority>
        <Actions>
          <member>
            <Type>forward</Type>
            <ForwardConfig>
              <TargetGroups>
                <member><TargetGroupArn>arn:blue</TargetGroupArn><Weight>90</Weight></member>
                <member><TargetGroupArn>arn:green</TargetGroupArn><Weight>10</Weight></member>
              </TargetGroups>
            </ForwardConfig>
          </member>
        </Actions>
        <Conditions/>
      </member>
    </Rules>
  </DescribeRulesResult>
  <ResponseMetadata><RequestId>c5f3a7e1</RequestId></ResponseMetadata>
</DescribeRulesResponse>`;

describe('reading an AWS answer', () => {
  it('reads elements, their text and the members of lists, past the declaration and xmlns', () => {
    const root = parseXml(DESCRIBE_RULES);
    expect(root.name).toBe('DescribeRulesResponse');
    const rule = members(child(root, 'DescribeRulesResult'), 'Rules')[0];
    expect(childText(rule, 'Priority')).toBe('10');
    expect(members(rule, 'Conditions')).toEqual([]);
    const forward = child(members(rule, 'Actions')[0], 'ForwardConfig');
    const groups = members(forward, 'TargetGroups').map((g) => [
      childText(g, 'TargetGroupArn'),
      childText(g, 'Weight'),
    ]);
    expect(groups).toEqual([
      ['arn:blue', '90'],
      ['arn:green', '10'],
    ]);
    expect(childText(root, 'NoSuchElement')).toBeUndefined();
    expect(members(root, 'NoSuchList')).toEqual([]);
  });

  it('decodes the five predefined entities and character references, once', () => {
    const root = parseXml('<M>&lt;a href=&quot;x&quot;&gt; &amp;amp; &apos;&#65;&#x42;&#x1F600;&#10;</M>');
    expect(root.text).toBe(`<a href="x"> &amp; 'AB😀\n`);
  });

  it('reads CDATA as text, and skips comments and attributes in either quotes', () => {
    const root = parseXml(
      `<!-- before --><R a="1" b='>'><X><![CDATA[<not a tag> &amp;]]></X><!-- <Y/> --></R>`,
    );
    expect(root.children.map((c) => c.name)).toEqual(['X']);
    expect(childText(root, 'X')).toBe('<not a tag> &amp;');
  });

  it('reads an empty element, written either way, as no text and no children', () => {
    const root = parseXml('<R><A/><B></B><C /></R>');
    expect(root.children).toEqual(
      ['A', 'B', 'C'].map((name) => ({ name, children: [], text: '' }) satisfies XmlElement),
    );
  });
});

describe('refused, as MalformedXml', () => {
  const HOSTILE: [string, string][] = [
    [
      'a DOCTYPE declaring an external entity (XXE)',
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>',
    ],
    [
      'a DOCTYPE of nested entities (billion laughs)',
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>',
    ],
    ['a DOCTYPE after the root opens', '<r><!DOCTYPE r></r>'],
    ['an entity no DOCTYPE declares', '<r>&xxe;</r>'],
    ['an `&` that starts no entity', '<r>fish & chips</r>'],
    ['an entity with no semicolon', '<r>&amp</r>'],
    ['a reference to a character XML does not allow', '<r>&#0;</r>'],
    ['a reference to a lone surrogate', '<r>&#xD800;</r>'],
    ['a reference past Unicode', '<r>&#x110000;</r>'],
    ['a processing instruction', '<r><?php echo 1 ?></r>'],
    ['a tag closed out of order', '<a><b></a></b>'],
    ['an element never closed', '<a><b></b>'],
    ['a closing tag with nothing open', '</a>'],
    ['a second root element', '<a/><b/>'],
    ['text after the root element', '<a/>trailing'],
    ['text before the root element', 'leading<a/>'],
    ['no element at all', '   '],
    ['a tag with no name', '<r>< x/></r>'],
    ['an attribute with no quotes', '<r a=1></r>'],
    ['a comment never closed', '<r><!-- </r>'],
    ['a CDATA section never closed', '<r><![CDATA[ </r>'],
    ['a CDATA section outside the root element', '<![CDATA[x]]><r/>'],
    ['an HTML page', '<html><body><br></body></html>'],
    ['elements nested deeper than any AWS answer', `${'<a>'.repeat(65)}${'</a>'.repeat(65)}`],
  ];

  it.each(HOSTILE)('%s', (_, xml) => {
    expect(() => parseXml(xml)).toThrow(MalformedXml);
  });

  it('says what was refused', () => {
    expect(() => parseXml('<!DOCTYPE r><r/>')).toThrow(/DOCTYPE/);
    expect(() => parseXml('<r>&xxe;</r>')).toThrow(/&xxe; is not one XML predefines/);
  });

  it('reads 64 levels of nesting', () => {
    expect(parseXml(`${'<a>'.repeat(64)}x${'</a>'.repeat(64)}`).name).toBe('a');
  });
});

/** What toXml wrote, read back as the values it was given (leaves are text). */
function valueOf(element: XmlElement): unknown {
  if (element.children.length === 0) return element.text;
  if (element.children.every((c) => c.name === 'member')) return element.children.map(valueOf);
  return Object.fromEntries(element.children.map((c) => [c.name, valueOf(c)]));
}

const name = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,11}$/);
const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.array(tie('value'), { minLength: 1, maxLength: 3 }),
    fc.dictionary(name, tie('value'), { minKeys: 1, maxKeys: 3 }),
  ),
})).value;

describe('what the local cloud writes, read back', () => {
  it('reads any structure of text, lists and structures as written', () => {
    fc.assert(
      fc.property(fc.dictionary(name, value, { minKeys: 1, maxKeys: 4 }), (result) => {
        const root = parseXml(`<OpResponse><OpResult>${toXml(result)}</OpResult></OpResponse>`);
        expect(valueOf(child(root, 'OpResult')!)).toEqual(result);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes any text escaped as AWS escapes it, with character references of any character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const escaped = s.replace(
          /[&<>"]/g,
          (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
        );
        expect(decodeEntities(escaped)).toBe(s);
        const referenced = [...s].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join('');
        const allowed = [...s].every((c) =>
          /[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(c),
        );
        if (allowed) expect(decodeEntities(referenced)).toBe(s);
      }),
      { numRuns: 300 },
    );
  });
});
