// sanitize-html: strips scripts, event handlers and javascript: URLs; keeps allowed markup.
const sanitizeHtml = require('sanitize-html');

function compute() {
  return {
    dirty: sanitizeHtml('<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:evil()">x</a></p><!-- c -->'),
    allowed: sanitizeHtml('<b>b</b><i>i</i><img src="a.png">', { allowedTags: ['b'] }),
    styled: sanitizeHtml('<span style="color: red; position: fixed">t</span>', {
      allowedTags: ['span'],
      allowedAttributes: { span: ['style'] },
      allowedStyles: { '*': { color: [/^red$/] } },
    }),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
