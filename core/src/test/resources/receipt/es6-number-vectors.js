// Regenerate: node es6-number-vectors.js > es6-number-vectors.txt (node 20; each line: IEEE-754 bits in hex, then String(d)).
// Oracle: ECMAScript Number.prototype.toString (what RFC 8785 prescribes), for IEEE-754 bit patterns.
const buf = new DataView(new ArrayBuffer(8));
let seed = 0x9E3779B97F4A7C15n;
function next() { seed ^= seed << 13n; seed &= (1n<<64n)-1n; seed ^= seed >> 7n; seed ^= seed << 17n; seed &= (1n<<64n)-1n; return seed; }
const out = [];
function emit(bits) {
  buf.setBigUint64(0, bits);
  const d = buf.getFloat64(0);
  if (!isFinite(d)) return;
  out.push(bits.toString(16).padStart(16, '0') + ' ' + (Object.is(d, -0) ? '0' : String(d)));
}
for (let i = 0; i < 1500; i++) emit(next());
// decimal-looking values, integers near 2^53, and powers of ten: where shortest-digit bugs live
for (let i = 0; i < 300; i++) { buf.setFloat64(0, Number(next() % 100000000n) / 1000); emit(buf.getBigUint64(0)); }
for (let i = -30; i < 30; i++) { buf.setFloat64(0, 2**53 + i); emit(buf.getBigUint64(0)); }
for (let e = -325; e <= 308; e += 7) { buf.setFloat64(0, Number('1e' + e)); emit(buf.getBigUint64(0)); buf.setFloat64(0, Number('3.3e' + e)); emit(buf.getBigUint64(0)); }
for (let e = -1074; e <= 1023; e += 13) { buf.setFloat64(0, 2**e); emit(buf.getBigUint64(0)); }
console.log(out.join('\n'));
