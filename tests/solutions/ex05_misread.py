# an implicit product, and ReLU's derivative as the constant 1
D_SIGMOID = "sigmoid(x)*(1 - sigmoid(x))"
D_TANH = "(1+tanh(x))(1-tanh(x))"
D_SOFTPLUS = "sigmoid(x)"
D_CE_Z1 = "sigmoid(z1 - z2) - 1"
D_CHAIN_W1 = "2x"
D_RELU = "1"
