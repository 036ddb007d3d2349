#!/usr/bin/env python3
"""Re-extract every labelled sentence from the corpora by its offsets and compare it with the
private text in pairs.private.tsv. Also checks pairs.tsv and pairs.private.tsv agree row by row,
the label vocabulary, the 6-60 word length, and the ANT date exclusion (2018-04-07..2018-04-16).

usage: python3 check_pairs.py [--corpora /work/shared/data/corpora] [--dir /work/labels/stance]
Exit status 0 when everything matches."""
import argparse, gzip, json, zipfile, os, sys, csv

def load_ant(corpora, ids):
    out = {}
    with gzip.open(os.path.join(corpora, 'ant-2018.jsonl.gz'), 'rt', encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            if r['id'] in ids:
                out[r['id']] = ((r['title'] or '') + '\n' + (r['text'] or ''), (r.get('published') or '')[:10])
    return out

def load_snn(corpora, ids):
    out = {}
    byzip = {}
    for d in ids:
        zname, rest = d.split('/', 1)
        member, idx = rest.rsplit('#', 1) if '#' in rest else (rest, '0')
        byzip.setdefault(zname, []).append((d, member, int(idx)))
    for zname, lst in byzip.items():
        z = zipfile.ZipFile(os.path.join(corpora, 'saudinewsnet', zname))
        cache = {}
        for d, member, idx in lst:
            if member not in cache:
                data = json.loads(z.read(member).decode('utf-8'))
                cache[member] = data if isinstance(data, list) else [data]
            r = cache[member][idx]
            out[d] = ((r.get('title') or '') + '\n' + (r.get('content') or ''), '')
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpora', default='/work/shared/data/corpora')
    ap.add_argument('--dir', default=os.path.dirname(os.path.abspath(__file__)))
    a = ap.parse_args()
    csv.field_size_limit(10 ** 9)
    def read(p):
        with open(p, encoding='utf-8') as f:
            return list(csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE))
    pub = read(os.path.join(a.dir, 'pairs.tsv'))
    priv = read(os.path.join(a.dir, 'pairs.private.tsv'))
    errors = []
    if len(pub) != len(priv):
        errors.append(f'row count differs: pairs.tsv {len(pub)} vs private {len(priv)}')
    keys = ['pair', 'corpus', 'doc1', 'start1', 'end1', 'doc2', 'start2', 'end2', 'label', 'on', 'note']
    for p, q in zip(pub, priv):
        if any(p[k] != q[k] for k in keys):
            errors.append(f"{p['pair']}: pairs.tsv and private row differ")
    ids = {'ant': set(), 'snn': set()}
    for r in priv:
        ids[r['corpus']].update([r['doc1'], r['doc2']])
    docs = {'ant': load_ant(a.corpora, ids['ant']), 'snn': load_snn(a.corpora, ids['snn'])}
    seen = set()
    for r in priv:
        if r['pair'] in seen: errors.append(f"{r['pair']}: duplicate pair id")
        seen.add(r['pair'])
        if r['label'] not in ('agree', 'contradict', 'unrelated'):
            errors.append(f"{r['pair']}: bad label {r['label']}")
        if r['label'] == 'contradict' and r['on'] not in ('count', 'date', 'place', 'occurrence/denial', 'actor', 'other'):
            errors.append(f"{r['pair']}: contradict without valid 'on'")
        for n in ('1', '2'):
            d = r['doc' + n]
            if d not in docs[r['corpus']]:
                errors.append(f"{r['pair']}: document {d} not found"); continue
            full, date = docs[r['corpus']][d]
            s, e = int(r['start' + n]), int(r['end' + n])
            got = full[s:e]
            if got != r['text' + n]:
                errors.append(f"{r['pair']}: text{n} mismatch at {d}[{s}:{e}]")
            if not (6 <= len(got.split()) <= 60):
                errors.append(f"{r['pair']}: text{n} has {len(got.split())} words")
            if r['corpus'] == 'ant' and '2018-04-07' <= date <= '2018-04-16':
                errors.append(f"{r['pair']}: ANT document {d} published {date} is in the excluded window")
        if r['doc1'] == r['doc2']:
            errors.append(f"{r['pair']}: both sentences from one document")
    for e in errors: print('ERROR', e)
    print(f'checked {len(priv)} pairs ({2 * len(priv)} sentences): {"OK" if not errors else str(len(errors)) + " errors"}')
    sys.exit(1 if errors else 0)

if __name__ == '__main__':
    main()
