"""Data shipped with studykit: the 8×8 handwritten digits that ex13 trains on (see README.md in this folder).

`load_digits()` reads `digits.npz` (48 KB; no download, ever) and returns the fixed train/test split.
"""

from __future__ import annotations

from pathlib import Path

DIGITS = Path(__file__).resolve().parent / "digits.npz"


def load_digits():
    """(X_train, y_train, X_test, y_test): X float64 (N, 1, 8, 8) scaled to [0, 1] (pixel / 16), y int64 (N,) 0–9.

    1,438 training and 359 test images, the same split every time (stratified: 20 % of each digit is test)."""
    import numpy as np

    with np.load(DIGITS) as data:
        images = data["images"].astype(np.float64)[:, None, :, :] / 16.0
        labels = data["labels"].astype(np.int64)
        train, test = data["train"].astype(np.intp), data["test"].astype(np.intp)
    return images[train], labels[train], images[test], labels[test]
