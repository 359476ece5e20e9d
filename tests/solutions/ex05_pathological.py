# A learner (or a prankster) whose answers are costly or hostile; the other answers are right.
D_SIGMOID = "exp(exp(exp(exp(x))))"
D_TANH = "((((2**100)**100)**100)**100)**100"
D_SOFTPLUS = "sigmoid(x)"
D_CE_Z1 = "().__class__.__bases__[0].__subclasses__()"
D_CHAIN_W1 = ("(sigmoid(w2*sigmoid(w1*x)) - y) * sigmoid(w2*sigmoid(w1*x)) * (1 - sigmoid(w2*sigmoid(w1*x)))"
              " * w2 * sigmoid(w1*x) * (1 - sigmoid(w1*x)) * x")
