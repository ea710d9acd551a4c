// pako: inflate a zlib stream made by Node's zlib, and a deflate/inflate round trip.
const pako = require('pako');

// zlib.deflateSync('Hello, Warden! Hello, Warden! Hello, Warden!').toString('base64')
const FROM_NODE = 'eJzzSM3JyddRCE8sSknNU1TwwMcFAEjBDoc=';

function compute() {
  const text = 'lorem ipsum dolor sit amet '.repeat(200);
  const packed = pako.deflate(text);
  const b64 = Uint8Array.from(atob(FROM_NODE), (c) => c.charCodeAt(0));
  return {
    fromNode: new TextDecoder().decode(pako.inflate(b64)),
    roundTrip: new TextDecoder().decode(pako.inflate(packed)) === text,
    smaller: packed.length < text.length / 10,
    gzipMagic: Array.from(pako.gzip('x').slice(0, 2)),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
