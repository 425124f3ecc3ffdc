# XGBoost reference for the training benchmark: same data split, same parameters, 2 threads.
# (Its predict, the scoring reference, is xgb_predict.py, interleaved with ours run by run.)
# usage: /usr/bin/python3 xgb_ref.py DATA.csv [TRAIN_SHARE]  -> one JSON line
# Trains on the earliest TRAIN_SHARE of the rows (default 0.8), tests on the latest 20%.
import json, sys, time
import numpy as np
import xgboost as xgb
from sklearn.metrics import average_precision_score, roc_auc_score

d = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1, dtype=np.float32)
X, y = d[:, :30], d[:, 30]
share = float(sys.argv[2]) if len(sys.argv) > 2 else 0.8
cut = int(len(y) * 0.8)
end = int(len(y) * share)
params = dict(tree_method='hist', max_depth=6, eta=0.1, nthread=2, objective='binary:logistic', max_bin=256)
dtrain = xgb.DMatrix(X[:end], label=y[:end], nthread=2)
t = time.perf_counter()
booster = xgb.train(params, dtrain, num_boost_round=100)
train_s = time.perf_counter() - t
p = booster.predict(xgb.DMatrix(X[cut:], nthread=2))
print(json.dumps({'trainSeconds': train_s,
                  'prAuc': float(average_precision_score(y[cut:], p)), 'rocAuc': float(roc_auc_score(y[cut:], p))}))
