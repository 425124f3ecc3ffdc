# XGBoost's predict as a reference that answers one run at a time, so that a benchmark can
# interleave it run by run with its own scoring (both then meet the same load on a shared
# machine). Trains the model of xgb_ref.py (same data, same parameters, 2 threads), prints
# "ready", then for every line on stdin predicts the last 20% on a fresh DMatrix (XGBoost caches
# predictions per DMatrix) and prints the seconds predict took.
# usage: /usr/bin/python3 xgb_predict.py DATA.csv   (base_score=prior as a second argument grows
# the trees from the training prior instead of XGBoost's default 0.5)
import sys, time
import numpy as np
import xgboost as xgb

d = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1, dtype=np.float32)
X, y = d[:, :30], d[:, 30]
cut = int(len(y) * 0.8)
params = dict(tree_method='hist', max_depth=6, eta=0.1, nthread=2, objective='binary:logistic', max_bin=256)
if len(sys.argv) > 2 and sys.argv[2] == 'base_score=prior':
    params['base_score'] = float(y[:cut].mean())
booster = xgb.train(params, xgb.DMatrix(X[:cut], label=y[:cut], nthread=2), num_boost_round=100)
booster.predict(xgb.DMatrix(X[cut:], nthread=2))  # warm up
print('ready', flush=True)
for line in sys.stdin:
    dtest = xgb.DMatrix(X[cut:], nthread=2)
    t = time.perf_counter()
    p = booster.predict(dtest)
    print(time.perf_counter() - t, len(p), flush=True)
