"""Checks for ex13, the capstone: a small CNN built from the learner's own layers (loaded with `own.load` from their
workspace's ex02–ex12), trained on the 8×8 handwritten digits shipped with studykit.

In order:
1. layers — every function of an earlier exercise that the model uses passes that exercise's own checks (run here,
   on the learner's file), else "finish exNN first";
2. gradients, layer by layer in the model's forward order — each backward against central finite differences of the
   learner's own forward, at the shapes and settings the model calls it with (on a tiny batch): the first wrong one
   is named;
3. gradients of the whole model — loss_and_grads against finite differences of its own loss: the chaining, which is
   ex13's own code;
4. and 5. training — the learner's train() on the 1,438 training images, at most 90 s of CPU (the grader's
   evaluations after each epoch are not counted): the loss on the training set falls to half or less, and the
   accuracy on the 359 test images reaches 95 %. The curve of every epoch goes to the report and to --json.
"""

from __future__ import annotations

from studykit.grading.suites.ex13.common import BUDGET_VARIABLE, TRAIN_SECONDS, cases

# importing a part registers its cases, so the order of these lines is the order of the cases
# isort: off
from studykit.grading.suites.ex13 import layers  # noqa: E402, F401
from studykit.grading.suites.ex13 import gradients  # noqa: E402, F401
from studykit.grading.suites.ex13 import training  # noqa: E402, F401
# isort: on

__all__ = ["cases", "TRAIN_SECONDS", "BUDGET_VARIABLE"]
