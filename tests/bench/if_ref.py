# scikit-learn IsolationForest (100 trees) on the ADBench sets: ROC AUC over 5 seeds.
# usage: /usr/bin/python3 if_ref.py DIR  -> one JSON line per set
import json, sys
import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

for name in ['shuttle', 'thyroid', 'mammography', 'cardio']:
    d = np.loadtxt(f'{sys.argv[1]}/{name}.csv', delimiter=',', skiprows=1)
    X, y = d[:, :-1], d[:, -1]
    aucs = [roc_auc_score(y, -IsolationForest(n_estimators=100, random_state=s).fit(X).score_samples(X)) for s in range(5)]
    print(json.dumps({'set': name, 'aucs': aucs}))
