"""ex05 手推导数 (symbolic derivatives)：反向传播就是链式法则 (chain rule)。

把每个答案写成字符串，例如 D_EXAMPLE = "2*x*exp(x**2)"。
可以用：sigmoid, exp, log, tanh, sqrt（以及 Heaviside, Abs），+ - * /，乘方用 ** 或 ^。
任何等价的写法都算对：求 d/dx x·exp(x) 时，x*exp(x) + exp(x) 和 (1+x)*exp(x) 一样正确。
乘号不能省略：写 2*x，不要写 2x。

完成后运行：studykit grade ex05
"""

# d/dx sigmoid(x)，用 x 表示
D_SIGMOID = None

# d/dx tanh(x)，用 x 表示
D_TANH = None

# d/dx log(1 + exp(x))（softplus），用 x 表示
D_SOFTPLUS = None

# L = −log( exp(z1) / (exp(z1) + exp(z2)) )，求 ∂L/∂z1，用 z1, z2 表示
D_CE_Z1 = None

# L = (sigmoid(w2 · sigmoid(w1 · x)) − y)² / 2，求 ∂L/∂w1，用 w1, w2, x, y 表示
D_CHAIN_W1 = None

# —— 选做 (optional)：不计分，但会检查 ——

# d/dx relu(x)（x ≠ 0 处），用 Heaviside(x) 表示阶跃函数 (step function)
D_RELU = None

# s = softmax([z1, z2, z3])，求 ∂s1/∂z2，用 z1, z2, z3 表示
D_SOFTMAX_12 = None
