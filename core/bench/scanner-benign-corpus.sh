#!/usr/bin/env bash
# Builds an extra *benign* training corpus for the injection model from text installed on this
# Debian machine: the long package descriptions in /var/lib/dpkg/status, rendered man pages (every
# installed language) and README files under /usr/share/doc. All of it ships in Debian main, so it
# is under DFSG-free licences; the corpus itself is not committed, only weights trained on it are.
# Output: JSON lines {"text","label":"benign","source","category"}, deterministic for a given set of
# installed packages.
# Usage: core/bench/scanner-benign-corpus.sh [OUTPUT] [MAX_CHUNKS]   (default core/target/scanner-extra-benign.jsonl, 12000)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-core/target/scanner-extra-benign.jsonl}"
MAX="${2:-12000}"
mkdir -p "$(dirname "$OUT")"
python3 - "$OUT" "$MAX" <<'PY'
import gzip, hashlib, json, os, re, subprocess, sys

out_path, max_chunks = sys.argv[1], int(sys.argv[2])

def chunks(text, limit=600):
    """Paragraphs of 40..limit chars; longer ones cut at sentence ends."""
    for para in re.split(r"\n\s*\n", text):
        para = re.sub(r"\s+", " ", para).strip()
        if len(para) < 40:
            continue
        while len(para) > limit:
            cut = max(para.rfind(". ", 0, limit), para.rfind("; ", 0, limit))
            cut = cut + 1 if cut > 40 else limit
            yield para[:cut].strip()
            para = para[cut:].strip()
        if len(para) >= 40:
            yield para

def stable(s):
    return int(hashlib.sha1(s.encode("utf-8", "replace")).hexdigest()[:8], 16)

items = {}
def add(text, source, category):
    key = text.lower()
    if key not in items and not re.search(r"[\x00-\x08]", text):
        items[key] = (text, source, category)

# 1. Long package descriptions of installed packages.
with open("/var/lib/dpkg/status", encoding="utf-8", errors="replace") as f:
    status = f.read()
for stanza in status.split("\n\n"):
    m = re.search(r"^Description: (.*(?:\n .*)*)", stanza, re.M)
    if m:
        body = re.sub(r"\n \.\n", "\n\n", m.group(1)).replace("\n ", "\n")
        for c in chunks(body):
            add(c, "debian-dpkg-description", "package-description")

# 2. Man pages, every language, one in three (sorted, so the choice is stable), rendered as plain text.
pages = []
for root, _, files in os.walk("/usr/share/man"):
    for name in files:
        pages.append(os.path.join(root, name))
pages.sort()
env = dict(os.environ, MANWIDTH="100", LANG="C.UTF-8")
for path in pages[::3]:
    lang = path.split("/")[4] if not path.split("/")[4].startswith("man") else "en"
    try:
        text = subprocess.run(["man", "-l", path], capture_output=True, timeout=10, env=env).stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        continue
    text = re.sub(r".\x08", "", text)
    for c in chunks(text):
        add(c, "debian-man-" + lang, "man-page")

# 3. README files shipped in /usr/share/doc.
for root, _, files in os.walk("/usr/share/doc"):
    for name in sorted(files):
        if not name.lower().startswith("readme"):
            continue
        path = os.path.join(root, name)
        try:
            raw = gzip.open(path).read() if name.endswith(".gz") else open(path, "rb").read()
        except OSError:
            continue
        for c in chunks(raw.decode("utf-8", "replace")):
            add(c, "debian-readme", "readme")

chosen = sorted(items.values(), key=lambda t: stable(t[0]))[:max_chunks]
with open(out_path, "w", encoding="utf-8") as f:
    for text, source, category in chosen:
        f.write(json.dumps({"text": text, "label": "benign", "source": source, "category": category}, ensure_ascii=False) + "\n")
by_source = {}
for _, source, _ in chosen:
    by_source[source.split("-")[1]] = by_source.get(source.split("-")[1], 0) + 1
print(f"wrote {len(chosen)} of {len(items)} distinct chunks to {out_path}: {by_source}")
PY
