"Topic judge candidates on a prepared folder (argument: DATA): accuracy and balanced accuracy on the topic test split, whole chunks and 25-word windows (19_judges). usage: python tools/topic_judges.py DATA"
import json, numpy as np, random
from pathlib import Path
from datasets import load_from_disk
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.metrics import balanced_accuracy_score, accuracy_score
import sys
d = Path(sys.argv[1] if len(sys.argv) > 1 else "data")/"attributes"/"topic"; ds = load_from_disk(str(d)); classes = json.loads((d/"classes.json").read_text())
tr, te = ds["train"], ds["test"]
rng = random.Random(0)
def window(t, n=25):
    w = t.split(); i = rng.randrange(max(1, len(w) - n + 1)); return " ".join(w[i:i + n])
short = [window(t) for t in te["text"]]
y = np.array(te["label"])
def report(name, predict):
    for nm, X in (("whole", te["text"]), ("25 words", short)):
        p = predict(list(X)); print(f"{name:34s} {nm:9s} acc {accuracy_score(y, p):.3f} balanced {balanced_accuracy_score(y, p):.3f}", flush=True)
for cw in (None, "balanced"):
    pipe = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1), LogisticRegression(C=10, max_iter=2000, class_weight=cw))
    pipe.fit(tr["text"], tr["label"]); report(f"tfidf C=10 {cw}", pipe.predict)
from dglm.judges import PerplexityJudge
pj = PerplexityJudge.from_name()
Ftr = pj.features(list(tr["text"])); Fte = pj.features(list(te["text"])); Fsh = pj.features(short)

from sklearn.preprocessing import StandardScaler
for C in (0.01, 0.1, 1.0):
    clf = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000, class_weight="balanced")).fit(Ftr, tr["label"])
    for nm, X in (("whole", Fte), ("25 words", Fsh)):
        p = clf.predict(X); print(f"gemma LR C={C} balanced           {nm:9s} acc {accuracy_score(y, p):.3f} balanced {balanced_accuracy_score(y, p):.3f}", flush=True)
