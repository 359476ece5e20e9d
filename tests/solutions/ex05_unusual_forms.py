# correct answers written the ways a learner who knows hyperbolic functions might write them
D_SIGMOID = "1/(4*cosh(x/2)**2)"
D_TANH = "sech(x)**2"
D_SOFTPLUS = "(1 + tanh(x/2))/2"
D_CE_Z1 = "-1/(1 + exp(z1 - z2))"
D_CHAIN_W1 = ("(sigmoid(w2*sigmoid(w1*x)) - y) * w2 * x / (4*cosh(w2*sigmoid(w1*x)/2)**2) / (4*cosh(w1*x/2)**2)")
D_RELU = "(1 + sign(x))/2"
D_SOFTMAX_12 = "-1/(4*cosh((z1 - z2)/2)**2) * 0 - exp(z1 + z2)/(exp(z1) + exp(z2) + exp(z3))**2"
