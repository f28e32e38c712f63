"""The w2v workload in gensim (the peer of Benchmarks/LatentBench/W2VBenchmark.swift).

Same flags and the same JSON keys as `LatentBench w2v`: word2vec on a corpus file (one sentence
per line, as gensim's LineSentence), then Spearman rho on wordsim353 and analogy accuracy on
questions-words restricted to the top 30,000 words. Requires `pip install gensim scipy`.
"""
import argparse
import json
import logging
import resource
import time

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="../shared/data/text")
    p.add_argument("--corpus")
    p.add_argument("--model", default="sg", choices=["sg", "cbow"])
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-3)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--hs", action="store_true")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--similarity")
    p.add_argument("--analogies")
    a = p.parse_args()
    logging.basicConfig(level=logging.ERROR)
    corpus = a.corpus or a.data + "/enwiki-sample.txt"
    sentences = LineSentence(corpus)
    model = Word2Vec(vector_size=a.dim, window=a.window, min_count=a.min_count, sample=a.sample,
                     sg=1 if a.model == "sg" else 0, hs=1 if a.hs else 0, negative=0 if a.hs else a.negative,
                     workers=a.threads, seed=a.seed, epochs=a.epochs)
    c0 = time.process_time()
    t0 = time.perf_counter()
    model.build_vocab(sentences)
    t1 = time.perf_counter()
    effective, raw = model.train(sentences, total_examples=model.corpus_count, epochs=a.epochs)
    t2 = time.perf_counter()
    cpu = time.process_time() - c0  # vocabulary scan + training, all threads
    train_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kv = model.wv
    out = {"tool": "gensim", "model": a.model, "hs": a.hs, "seed": a.seed, "threads": a.threads,
           "vocab": len(kv), "raw_words": raw, "effective_words": effective, "vocab_seconds": t1 - t0,
           "train_seconds": t2 - t1, "words_per_second": effective / (t2 - t1), "cpu_seconds": cpu,
           "train_peak_rss_mb": train_rss}
    sim = a.similarity or a.data + "/wordsim353.tsv"
    pearson, spearman, oov = kv.evaluate_word_pairs(sim)
    out.update(spearman=float(spearman.statistic if hasattr(spearman, "statistic") else spearman[0]),
               pearson=float(pearson.statistic if hasattr(pearson, "statistic") else pearson[0]), oov_ratio=oov / 100)
    score, sections = kv.evaluate_word_analogies(a.analogies or a.data + "/questions-words.txt", restrict_vocab=30000)
    total = [s for s in sections if s["section"] == "Total accuracy"][0]
    out.update(analogy_accuracy=score, analogy_questions=len(total["correct"]) + len(total["incorrect"]))
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
