// htmlparser2: streaming parser callbacks and a DOM with DomUtils queries.
const { Parser, parseDocument, DomUtils } = require('htmlparser2');

function compute() {
  const tags = [];
  const comments = [];
  let text = '';
  const parser = new Parser({
    onopentag: (name) => tags.push(name),
    ontext: (t) => (text += t),
    oncomment: (c) => comments.push(c),
  });
  parser.write('<ul><li class="x">One</li><li>Two<!-- c --></li></ul>');
  parser.end();
  const doc = parseDocument('<div><a href="/a">A</a><p><a href="/b">B</a></p></div>');
  const links = DomUtils.getElementsByTagName('a', doc).map((a) => [a.attribs.href, DomUtils.textContent(a)]);
  return { tags, text, comments, links };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
