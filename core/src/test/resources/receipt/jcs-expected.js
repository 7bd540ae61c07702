// Regenerate: cd jcs && node ../jcs-expected.js *.input.json
// Oracle for these inputs: JSON.stringify with members sorted by UTF-16 code units (JS default sort).
const fs = require('fs');
function c(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(c).join(',') + ']';
  return '{' + Object.keys(v).sort().map(k => JSON.stringify(k) + ':' + c(v[k])).join(',') + '}';
}
for (const f of process.argv.slice(2)) {
  fs.writeFileSync(f.replace('.input.json', '.expected.json'), c(JSON.parse(fs.readFileSync(f, 'utf8'))));
}
