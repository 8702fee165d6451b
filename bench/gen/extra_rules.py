#!/usr/bin/env python3
"""Writes N generated rules (a user's own detections beside the T1578 pack),
deterministically, for the "pack + 2,000 extra rules" benchmark row.

    python3 bench/gen/extra_rules.py N OUT_DIR

Shapes, in rotation: single-event rules on an action of the taxonomy with a
region / principal / resource-type / status condition (70 %), count
thresholds per principal (20 %) and distinct-region thresholds (10 %). They
use the actions and normalized fields real rules use, so they route and
prefilter like real rules; none of them fires on the benchmark stream's
injected findings (they would only add alerts: the harness counts the
reference rules' alerts)."""
import os
import random
import sys

n = int(sys.argv[1])
out = sys.argv[2]
root = os.path.join(os.path.dirname(__file__), "..", "..")
actions = [l.strip() for l in open(os.path.join(root, "stdlib", "actions.txt"))
           if l.strip() and not l.startswith("#")]
regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "eastus",
           "westeurope", "us-central1", "europe-west1", "asia-east1"]
rng = random.Random(2000)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "extra.rules"), "w") as f:
    for i in range(n):
        a = rng.sample(actions, rng.choice([1, 1, 2, 3]))
        acts = ", ".join('"%s"' % x for x in a)
        kind = i % 10
        f.write("rule extra_%04d {\n" % i)
        f.write('  title "Generated rule %d"\n  severity low\n' % i)
        if kind < 7:
            cond = rng.choice([
                'cloud.region == "%s-zz%d"' % (rng.choice(regions), i),
                'startswith(actor.user.uid, "arn:aws:iam::%012d:")' % (900000000000 + i),
                'resource.type == "type-%d" and status == "success"' % i,
                'status == "failure" and error.code == "Code%d"' % i,
                'actor.user.uid in ["user-%d@example.com", "svc-%d@example.iam.gserviceaccount.com"]' % (i, i),
            ])
            f.write("  match where action in [%s] and %s\n" % (acts, cond))
        elif kind < 9:
            f.write("  match where action in [%s] and cloud.region == \"%s\"\n" % (acts, rng.choice(regions)))
            f.write("  count by actor.user.uid within %dm >= %d\n" % (rng.choice([5, 10, 30]), 1000 + i))
        else:
            f.write("  match where action in [%s]\n" % acts)
            f.write("  distinct cloud.region by actor.user.uid within 1h >= %d\n" % (50 + i % 7))
        f.write("}\n\n")
