// crypto-js: digests, HMAC, and AES round trip (random salt from crypto.getRandomValues).
const CryptoJS = require('crypto-js');

function compute() {
  const cipher = CryptoJS.AES.encrypt('secret message', 'passphrase').toString();
  return {
    md5: CryptoJS.MD5('').toString(),
    sha256: CryptoJS.SHA256('abc').toString(),
    hmac: CryptoJS.HmacSHA256('The quick brown fox jumps over the lazy dog', 'key').toString(),
    base64: CryptoJS.enc.Base64.stringify(CryptoJS.enc.Utf8.parse('hello')),
    aes: CryptoJS.AES.decrypt(cipher, 'passphrase').toString(CryptoJS.enc.Utf8),
    saltedPrefix: cipher.slice(0, 10),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
