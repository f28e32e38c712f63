"""The d2v workload in gensim (the peer of Benchmarks/LatentBench/D2VBenchmark.swift).

gensim's Lee tutorial check: Doc2Vec on lee_background.cor (vector_size 50, min_count 2, epochs 40,
one document per line tagged by its index, as TaggedLineDocument), then every training document
re-inferred with `infer_vector` and ranked among all document vectors with `dv.most_similar`.
Same flags and JSON keys as `LatentBench d2v`. Tokens are split as Latent's tokenizer splits them
(lowercase; runs of ASCII letters, digits and non-ASCII characters), so both sides learn from the
same words. Requires `pip install gensim`.
"""
import argparse
import json
import logging
import re
import time

from gensim.models.doc2vec import Doc2Vec, TaggedDocument

TOKEN = re.compile(r"[a-z0-9\u0080-\U0010ffff]+")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="../shared/data/text")
    p.add_argument("--corpus")
    p.add_argument("--dm", type=int, default=1)
    p.add_argument("--dbow-words", type=int, default=0)
    p.add_argument("--dim", type=int, default=50)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--min-count", type=int, default=2)
    p.add_argument("--sample", type=float, default=1e-3)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--hs", action="store_true")
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    logging.basicConfig(level=logging.ERROR)
    path = a.corpus or a.data + "/lee_background.cor"
    c0 = time.process_time()
    t0 = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        docs = [TaggedDocument(TOKEN.findall(line.lower()), [i]) for i, line in enumerate(l for l in f if l.strip())]
    model = Doc2Vec(vector_size=a.dim, window=a.window, min_count=a.min_count, sample=a.sample, dm=a.dm,
                    dbow_words=a.dbow_words, hs=1 if a.hs else 0, negative=0 if a.hs else a.negative,
                    workers=a.threads, seed=a.seed, epochs=a.epochs)
    model.build_vocab(docs)
    t1 = time.perf_counter()
    model.train(docs, total_examples=model.corpus_count, epochs=a.epochs)
    t2 = time.perf_counter()
    cpu = time.process_time() - c0
    ranks = []
    for i, doc in enumerate(docs):
        v = model.infer_vector(doc.words)
        sims = model.dv.most_similar([v], topn=len(model.dv))
        ranks.append([tag for tag, _ in sims].index(i))
    t3 = time.perf_counter()
    out = {"tool": "gensim", "dm": a.dm, "dbow_words": a.dbow_words, "hs": a.hs, "seed": a.seed, "threads": a.threads,
           "documents": len(docs), "vocab": len(model.wv), "epochs": a.epochs,
           "read_seconds": t1 - t0, "train_seconds": t2 - t1, "documents_per_second": len(docs) * a.epochs / (t2 - t1),
           "raw_words_per_second": model.corpus_total_words * a.epochs / (t2 - t1), "cpu_seconds": cpu, "infer_seconds": t3 - t2,
           "self_rank_first": sum(r == 0 for r in ranks) / len(ranks),
           "self_rank_top2": sum(r <= 1 for r in ranks) / len(ranks)}
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
