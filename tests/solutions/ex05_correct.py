import sympy

D_SIGMOID = "exp(-x)/(1+exp(-x))^2"
D_TANH = "1 - tanh(x)**2"
D_SOFTPLUS = "sigmoid(x)"
D_CE_Z1 = "exp(z1)/(exp(z1)+exp(z2)) - 1"
D_CHAIN_W1 = ("(sigmoid(w2*sigmoid(w1*x)) - y) * sigmoid(w2*sigmoid(w1*x)) * (1 - sigmoid(w2*sigmoid(w1*x)))"
              " * w2 * sigmoid(w1*x) * (1 - sigmoid(w1*x)) * x")
_x = sympy.Symbol("x")
D_RELU = sympy.Heaviside(_x)
D_SOFTMAX_12 = "-exp(z1)*exp(z2)/(exp(z1)+exp(z2)+exp(z3))^2"
