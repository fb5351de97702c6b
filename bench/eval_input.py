"""Strip the labels from an evaluation file: what `monitor extract` may see."""

import json
import sys

with open(sys.argv[1], encoding="utf-8") as labelled:
    for line in labelled:
        item = json.loads(line)
        print(json.dumps({k: item.get(k) for k in ("id", "title", "summary", "published")}))
