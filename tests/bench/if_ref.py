# scikit-learn IsolationForest (100 trees) on the ADBench sets: ROC AUC over seeds
# 0..IF_SEEDS-1 (default 5; use 20 or more to compare means, the spread is about 0.01 on cardio).
# usage: /usr/bin/python3 if_ref.py DIR  -> one JSON line per set
import json, os, sys
import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

for name in ['shuttle', 'thyroid', 'mammography', 'cardio']:
    d = np.loadtxt(f'{sys.argv[1]}/{name}.csv', delimiter=',', skiprows=1)
    X, y = d[:, :-1], d[:, -1]
    seeds = int(os.environ.get('IF_SEEDS', '5'))
    aucs = [roc_auc_score(y, -IsolationForest(n_estimators=100, random_state=s).fit(X).score_samples(X)) for s in range(seeds)]
    print(json.dumps({'set': name, 'seeds': seeds, 'mean': float(np.mean(aucs)),
                      'sd': float(np.std(aucs, ddof=1)) if seeds > 1 else 0.0, 'aucs': aucs}))
