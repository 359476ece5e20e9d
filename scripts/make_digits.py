"""Makes studykit/data/digits.npz, the handwritten digits ex13 trains on, from scikit-learn's copy of them.

The 8×8 digits are the test set of the UCI "Optical Recognition of Handwritten Digits" data set (Alpaydin & Kaynak,
1998; CC BY 4.0; https://doi.org/10.24432/C50P49): 1,797 images, pixel values 0–16, ten classes. scikit-learn ships
them as sklearn/datasets/data/digits.csv.gz (64 pixel columns and the label, one image a line). scikit-learn is not
a dependency: take that one file out of its wheel and run

    python3 -m pip download scikit-learn --no-deps -d /tmp/skl
    unzip -o /tmp/skl/scikit_learn-*.whl 'sklearn/datasets/data/digits.csv.gz' -d /tmp/skl
    python3 scripts/make_digits.py /tmp/skl/sklearn/datasets/data/digits.csv.gz

The split is fixed and stratified: 20 % of each class (rounded) is the test set, chosen with numpy's PCG64 seeded 13,
so every run of this script writes the same file (the images in their original order, the split as indices).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "studykit" / "data" / "digits.npz"
TEST_FRACTION = 0.2
SEED = 13


def main(csv_gz: str) -> None:
    with gzip.open(csv_gz, "rt", encoding="ascii") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    assert table.shape == (1797, 65), table.shape
    images = table[:, :64].reshape(-1, 8, 8)
    labels = table[:, 64]
    assert images.min() == 0 and images.max() == 16 and set(labels.tolist()) == set(range(10))
    rng = np.random.default_rng(SEED)
    test = []
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        test.extend(rng.choice(members, size=round(TEST_FRACTION * len(members)), replace=False).tolist())
    test = np.sort(np.array(test))
    train = np.setdiff1d(np.arange(len(labels)), test)
    np.savez_compressed(OUT, images=images.astype(np.uint8), labels=labels.astype(np.uint8),
                        train=train.astype(np.uint16), test=test.astype(np.uint16))
    print(f"{OUT}: {OUT.stat().st_size} bytes; {len(train)} train, {len(test)} test images")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
