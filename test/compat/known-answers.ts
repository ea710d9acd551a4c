// Known answers for the library fixtures in test/compat/extensions/, shared by the tests that run
// them (built by `warden build`, and raw bundles transformed at load time by the host).

const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
// The classic example: HMAC-SHA256 with key "key" of "The quick brown fox jumps over the lazy dog".
const HMAC_FOX = 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8';

/** Known answers, worked out from each library's documented behaviour. */
export const KNOWN: Record<string, unknown> = {
  dayjs: {
    plusMonth: '2024-02-29', // Jan 31 + 1 month clamps to the end of (leap) February
    febDays: 29,
    weekday: 4, // 4 July 2024 was a Thursday
    formatted: 'Thursday 4 July 2024 15:04:05',
    relative: '2 months ago',
    parsed: '2024-01-01T00:00:00.000Z',
    nowIsRecent: true,
  },
  'date-fns': {
    plusMonth: '2024-02-29',
    febDays: 29,
    formatted: 'Thursday, 4th July 2024',
    distance: 'about 1 hour', // 45 minutes rounds to "about 1 hour"
    leap2100: false, // divisible by 100, not by 400
    weekendDaysInJuly2024: 8, // Saturdays 6/13/20/27, Sundays 7/14/21/28
    parsed: '2024-07-04',
    nowIsRecent: true,
  },
  marked: {
    basic: '<h1>Hi</h1>\n<p><strong>bold</strong> and <code>code</code></p>\n',
    table:
      '<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody><tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody></table>\n',
    inline: 'a <a href="https://example.com">link</a> <!-- c -->',
  },
  'markdown-it': {
    list: '<h1>Hi</h1>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n',
    escaped: '<p>&lt;script&gt;x&lt;/script&gt; &lt;!-- no --&gt;</p>\n',
    linkify: 'see example.com © “quoted”',
    tokens: ['paragraph_open', 'inline', 'paragraph_close'],
  },
  'sanitize-html': {
    dirty: '<p>Hi <a>x</a></p>',
    allowed: '<b>b</b>i',
    styled: '<span style="color:red">t</span>',
  },
  htmlparser2: {
    tags: ['ul', 'li', 'li'],
    text: 'OneTwo',
    comments: [' c '],
    links: [
      ['/a', 'A'],
      ['/b', 'B'],
    ],
  },
  papaparse: {
    data: [
      { name: 'Smith, J', age: 42 },
      { name: 'Ann', age: 7 },
    ],
    fields: ['name', 'age'],
    errors: 0,
    unparsed: 'a,b\r\n1,"x,y"\r\n2,"say ""hi"""',
  },
  'js-yaml': {
    // js-yaml 5's default schema does not apply YAML 1.1 merge keys: "<<" stays a plain key.
    doc: { base: { x: 1 }, item: { '<<': { x: 1 }, y: ['a', 'b'] }, text: 'line1\nline2\n' },
    dumped: "k:\n  - 1\n  - 2\ns: 'x: y'\n",
    error: 'YAMLException',
  },
  'fast-xml-parser': {
    obj: {
      r: {
        i: [
          { '#text': 'a', '@_id': '1' },
          { '#text': 'b', '@_id': '2' },
        ],
        n: 42,
      },
    },
    xml: '<a><b>x</b><c>1</c><c>2</c></a>',
    valid: true,
    invalidCode: 'InvalidTag',
  },
  zod: {
    ok: { name: 'Ada', age: 36, tags: [], joined: 'X' },
    issues: ['age:invalid_type', 'email:invalid_format', 'joined:invalid_type', 'name:too_small'],
  },
  ajv: {
    good: true,
    bad: false,
    errors: ['/age:minimum', '/tags:uniqueItems', ':additionalProperties', ':required'],
    text: 'data/age must be >= 0',
  },
  uuid: {
    // Both are the examples in the uuid README (DNS namespace, "hello.example.com").
    v5: 'fdda765f-fc57-5604-a269-52a7df8164ec',
    v3: '9125a8dc-52ee-365b-a5aa-81b0b3681cf6',
    v4ok: true,
    v4unique: 100,
    v7sorted: true,
    roundTrip: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  },
  nanoid: { lengths: [21], urlSafe: true, unique: 1000, custom: true, sized: 5 },
  'crypto-js': {
    md5: 'd41d8cd98f00b204e9800998ecf8427e', // MD5("")
    sha256: SHA256_ABC, // FIPS 180-2 "abc"
    hmac: HMAC_FOX,
    base64: 'aGVsbG8=',
    aes: 'secret message',
    saltedPrefix: 'U2FsdGVkX1', // base64 of OpenSSL's "Salted__" header
  },
  'js-sha256': {
    abc: SHA256_ABC,
    empty224: 'd14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f', // SHA-224("")
    incremental: SHA256_ABC,
    hmac: HMAC_FOX,
    bytes: [0xba, 0x78, 0x16, 0xbf],
  },
  pako: {
    fromNode: 'Hello, Warden! Hello, Warden! Hello, Warden!',
    roundTrip: true,
    smaller: true,
    gzipMagic: [0x1f, 0x8b],
  },
  fflate: { gunzip: true, gzipMagic: [0x1f, 0x8b], names: ['a.txt', 'dir/b.txt'], b: 'beta', utf8: 'héllo ✓' },
  'decimal-js': {
    sum: '0.3',
    sqrt2: '1.4142135623730950488016887242096980785696718753769', // 50 significant digits
    pow: '1267650600228229401496703205376', // 2^100
    div: '0.1428571429',
    exp: '2.71828182845905',
    random: true,
  },
  'big-js': {
    sum: '0.3',
    sqrt2: '1.41421356237309504880',
    third: '0.33333333333333333333', // Big.DP = 20
    money: '59.97',
    cmp: true,
  },
  mathjs: {
    hyp: 5,
    det: -2,
    unit: '50 mm',
    derivative: '2 * x + 3',
    fraction: '1/2',
    big: '0.3',
    scope: 10,
  },
  rxjs: { sum: 220, ticks: [0, 1, 2], seen: [1, 3, 6], debounced: ['c'] }, // 4+16+36+64+100 = 220
  'fuse-js': {
    jeeves: ['Right Ho Jeeves', 'The Lock Artist'],
    woodhouse: ['Right Ho Jeeves', 'The Code of the Wooster'],
    exact: 1,
  },
  lunr: { plant: ['a', 'b'], growing: ['a', 'c'], required: ['c'], roundTrip: ['b'] },
  diff: {
    words: ['the ', '-quick', '+slow', ' brown fox'],
    lines: [
      [' ', 1],
      ['-', 1],
      ['+', 1],
      [' ', 1],
      ['+', 1],
    ],
    patch:
      'Index: f.txt\n===================================================================\n--- f.txt\n+++ f.txt\n' +
      '@@ -1,3 +1,4 @@\n one\n-two\n+2\n three\n+four\n',
    applied: true,
  },
  handlebars: {
    out: 'Hello WORLD! <ul><li>a</li><li>b&amp;c</li></ul> &lt;b&gt;',
    conditional: 'no',
    precompiled: true,
  },
  mustache: {
    out: 'Ann;Bo;empty &lt;a &amp; &quot;b&quot;&gt; <i>',
    partial: '[x=1]',
    tokens: ['text', 'name', 'text'],
  },
  lodash: {
    chunk: [[1, 2], [3, 4], [5]],
    groupBy: { 4: [4.2], 6: [6.1, 6.3] },
    merged: {
      a: [
        { b: 2, c: 3 },
        { d: 4, e: 5 },
      ],
    },
    template: 'hello fred! [&lt;a&gt;][b]',
    sorted: ['c', 'a', 'b'],
    debounceType: 'function',
    kebab: 'foo-bar-baz',
    isEqual: true,
    withTemplate: 'x',
  },
  immer: {
    next: {
      todos: [
        { id: 1, done: true },
        { id: 2, done: false },
        { id: 3, done: false },
      ],
      meta: { n: 2 },
    },
    baseUnchanged: true,
    shared: true,
    frozen: true,
    patches: [{ op: 'replace', path: ['meta', 'n'], value: 3 }],
  },
  semver: {
    sorted: ['0.9.9', '1.2.3', '1.2.10', '1.10.0', '2.0.0-beta.1', '2.0.0'],
    max: '1.10.0',
    satisfies: true,
    prerelease: true,
    inc: ['1.3.0', '1.2.4-rc.0'],
    coerce: '3.4.0',
    range: '>=1.2.0 <1.3.0-0',
  },
  qs: {
    parsed: { a: { b: { c: 'd' } }, e: ['1', '2'], f: ' x' },
    stringified: 'a[b]=c&d[0]=1&d[1]=2',
    encoded: 'q=a%26b%3Dc&list%5B%5D=x%20y',
    depth: { a: { b: { c: { '[d][e][f][g]': 'x' } } } },
  },
};

/**
 * Where the sandbox differs from Node on purpose, documented in extensions/sdk/COMPATIBILITY.md.
 * lodash's `_.template` without `variable` wraps the template in `with (obj) {…}`, a statement
 * strict mode forbids, and every compartment is strict.
 */
export const SANDBOX_DIFFERS: Record<string, Record<string, unknown>> = {
  lodash: { withTemplate: 'SyntaxError: Strict mode code may not include a with statement' },
};

/**
 * Libraries that do not run yet, with the exact failure. A test here fails once the library
 * starts working, so the entry (and COMPATIBILITY.md) gets updated.
 */
export const KNOWN_FAILURES: Record<string, { code: string; message: string; location?: string }> = {
  // The override mistake on %RangeErrorPrototype%.constructor, which no SES overrideTaming
  // enables: `DimensionError.prototype = new RangeError(); ….constructor = RangeError`.
};
