// fast-xml-parser: attributes, repeated elements, building XML back, validation.
const { XMLParser, XMLBuilder, XMLValidator } = require('fast-xml-parser');

function compute() {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });
  const obj = parser.parse('<r><i id="1">a</i><i id="2">b</i><n>42</n></r>');
  const xml = new XMLBuilder({ ignoreAttributes: false }).build({ a: { b: 'x', c: ['1', '2'] } });
  const invalid = XMLValidator.validate('<a><b></a>');
  return { obj, xml, valid: XMLValidator.validate('<a/>') === true, invalidCode: invalid.err && invalid.err.code };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
