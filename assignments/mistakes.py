"""Checks that each assignment's tests name the typical mistakes they are meant to catch.

``scripts/assignments.sh check`` runs this after building the assignments:

    python assignments/mistakes.py build/assignments

For every entry of ``MISTAKES`` it takes the built solution notebook
(``OUT/<name>/autograder/<name>.ipynb``), runs its code cells in this process,
redefines one function with a typical mistake, runs every test of the
assignment (``OUT/<name>/autograder/tests/q*.py``, otter's exception-based
test files, called as otter calls them) and requires that a failing test's
message contains the mistake's name. The solution itself must pass every
test. One TensorFlow import serves all of them, so this takes seconds, where
grading each variant as a notebook (``otter run``) would take a kernel each;
``otter_check.py`` grades one seeded wrong answer per assignment that way.

Prints one line per assignment; exits 1 when a mistake goes unnamed.
"""

import importlib.util
import os
import pathlib
import sys
import textwrap

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import nbformat  # noqa: E402


def _soft_encode(scale="110.0", k="k", two="2.0", stop="ops.stop_gradient"):
    return f"""
    def soft_encode(ab, centers, k=5, sigma=5.0):
        ab = ops.convert_to_tensor(ab, "float32") * {scale}
        centers = ops.convert_to_tensor(centers, "float32")
        d2 = ops.sum(ops.square(ab[..., None, :] - centers), axis=-1)
        nearest = -ops.top_k(-d2, {k})[0]
        kept = d2 <= nearest[..., -1:]
        g = ops.where(kept, ops.exp(-(d2 - nearest[..., :1]) / ({two} * sigma**2)), 0.0)
        return {stop}(g / ops.sum(g, axis=-1, keepdims=True))
    """


def _penalty(mix="alpha * real + (1.0 - alpha) * fake",
             total="ops.sum(ops.mean(ops.reshape(scores, (ops.shape(scores)[0], -1)), axis=1))",
             result="ops.mean(ops.square(ops.sqrt(ops.sum(ops.square(g), axis=1)) - 1.0))"):
    return f"""
    def gradient_penalty(critic, real, fake, alpha):
        x_hat = ops.convert_to_tensor({mix}, "float32")
        with tf.GradientTape() as tape:
            tape.watch(x_hat)
            scores = critic(x_hat, training=True)
            total = {total}
        grads = tape.gradient(total, x_hat)
        g = ops.reshape(grads, (ops.shape(grads)[0], -1))
        return {result}
    """


_COLOURFULNESS = """
    def colorfulness(x):
        x = np.asarray(x{cast})
        x = x[None] if x.ndim == 3 else x
        x = x.reshape({shape}, 3)
        rg = x[..., 0] - x[..., 1]
        yb = 0.5 * (x[..., 0] + x[..., 1]) - x[..., 2]
        return float(np.mean({spread} + {offset}))
"""
_SPREAD = "np.sqrt(rg.var(1) + yb.var(1))"
_OFFSET = "0.3 * np.hypot(rg.mean(1), yb.mean(1))"


def _colourfulness(cast=", np.float64", shape="len(x), -1", spread=_SPREAD, offset=_OFFSET):
    return _COLOURFULNESS.format(cast=cast, shape=shape, spread=spread, offset=offset)


def _accuracy(scale="np.float32(110)", rnd="np.round", op="<=", reduce="np.all"):
    return f"""
    def accuracy_at(p, t, epsilon=2):
        p = {rnd}(np.asarray(p, np.float32) * {scale})
        t = {rnd}(np.asarray(t, np.float32) * {scale})
        return float(np.mean({reduce}(np.abs(p - t) {op} 2.2 * epsilon, axis=-1)))
    """


_STEP = """
    def train_step(generator, discriminator, g_optimizer, d_optimizer, L, ab, l1_weight=100.0):
        L = ops.convert_to_tensor(L, "float32")
        ab = ops.convert_to_tensor(ab, "float32")
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = generator(L, training=True)
            real_logits = discriminator(ops.concatenate([L, ab], axis=-1), training=True)
            fake_logits = discriminator(ops.concatenate([L, ops.stop_gradient(fake)], -1), training=True)
            d_loss = cgan_discriminator_loss(real_logits, fake_logits)
            g_loss = cgan_generator_loss(fake_logits, fake, ab, l1_weight)
        g_grads = g_tape.gradient(g_loss, generator.trainable_variables)
        d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)
        g_optimizer.apply(g_grads, generator.trainable_variables)
        d_optimizer.apply(d_grads, discriminator.trainable_variables)
        return {"g_loss": g_loss, "d_loss": d_loss}
"""

#: assignment -> [(the words a failing test's message must contain, the mistaken code)]
MISTAKES = {
    "00_acc_eps": [
        ("multiply ab by 110", _accuracy(scale="1")),
        ("only when both a and b", _accuracy(reduce="np.any")),
        ("did not round", _accuracy(rnd="")),
        ("used < where the rule is <=", _accuracy(op="<")),
        ("left out the 0.3", _colourfulness(offset="0")),
        ("sample standard deviation", _colourfulness(spread="np.sqrt(rg.var(1, ddof=1) + yb.var(1, ddof=1))")),
        ("added the standard deviations", _colourfulness(spread="rg.std(1) + yb.std(1)")),
        ("pooled the pixels", _colourfulness(shape="1, -1")),
        ("computed on uint8", _colourfulness(cast="")),
    ],
    "02_gan_losses": [
        ("missing from_logits=True", """
        def discriminator_loss(r, f):
            bce = keras.losses.binary_crossentropy
            return ops.mean(bce(ops.ones_like(r), r)) + ops.mean(bce(ops.zeros_like(f), f))
        """),
        ("swapped the labels", """
        def discriminator_loss(r, f):
            return ops.mean(ops.softplus(r)) + ops.mean(ops.softplus(-f))
        """),
        ("summed over the patches", """
        def discriminator_loss(r, f):
            return ops.sum(ops.softplus(-r)) / r.shape[0] + ops.sum(ops.softplus(f)) / f.shape[0]
        """),
        ("not numerically stable", """
        def discriminator_loss(r, f):
            r, f = ops.convert_to_tensor(r), ops.convert_to_tensor(f)
            return -ops.mean(ops.log(ops.sigmoid(r))) - ops.mean(ops.log(1 - ops.sigmoid(f)))
        """),
        ("swapped the two forms", """
        def generator_loss(f, form="non_saturating"):
            f = ops.convert_to_tensor(f, "float32")
            if form == "saturating":
                return ops.mean(ops.softplus(-f))
            return -ops.mean(ops.softplus(f))
        """),
        ("wrong sign in the non-saturating loss", """
        def generator_loss(f, form="non_saturating"):
            f = ops.convert_to_tensor(f, "float32")
            if form == "saturating":
                return -ops.mean(ops.softplus(f))
            return -ops.mean(ops.softplus(-f))
        """),
        ("not a tensor", """
        def generator_loss(f, form="non_saturating"):
            f = np.asarray(f, np.float64)
            if form == "saturating":
                return float(-np.mean(np.log1p(np.exp(f))))
            return float(np.mean(np.log1p(np.exp(-f))))
        """),
    ],
    "03_cgan_step": [
        ("missing from_logits=True", """
        def cgan_discriminator_loss(r, f):
            bce = keras.losses.binary_crossentropy
            return ops.mean(bce(ops.ones_like(r), r)) + ops.mean(bce(ops.zeros_like(f), f))
        """),
        ("missing from_logits=True in G's adversarial term", """
        def cgan_generator_loss(fl, fa, ta, l1_weight=100.0):
            bce = keras.losses.binary_crossentropy
            return ops.mean(bce(ops.ones_like(fl), fl)) + l1_weight * ops.mean(ops.abs(ta - fa))
        """),
        ("used the L2 distance", """
        def cgan_generator_loss(fl, fa, ta, l1_weight=100.0):
            return ops.mean(ops.softplus(-fl)) + l1_weight * ops.mean(ops.square(ta - fa))
        """),
        ("not multiplied by l1_weight", """
        def cgan_generator_loss(fl, fa, ta, l1_weight=100.0):
            return ops.mean(ops.softplus(-fl)) + ops.mean(ops.abs(ta - fa))
        """),
        ("used the saturating form", """
        def cgan_generator_loss(fl, fa, ta, l1_weight=100.0):
            return -ops.mean(ops.softplus(fl)) + l1_weight * ops.mean(ops.abs(ta - fa))
        """),
        ("the adversarial gradient must flow", _STEP),
        # G's loss against the updated discriminator: wrong.py, graded by otter_check.py.
    ],
    "05_soft_encoding": [
        ("picked the wrong bins", _soft_encode(scale="1.0")),
        ("than the k = 5 nearest", _soft_encode(k="k + 2")),
        ("the factor 2 is missing", _soft_encode(two="1.0")),
        ("gradients flow into the target", _soft_encode(stop="")),
        ("took the mean over the bins where the sum belongs", """
        def soft_cross_entropy(t, l):
            return ops.mean(-ops.convert_to_tensor(t, "float32") * ops.log_softmax(l, axis=-1))
        """),
        ("summed over the pixels", """
        def soft_cross_entropy(t, l):
            return ops.sum(-ops.sum(ops.convert_to_tensor(t, "float32") * ops.log_softmax(l, -1), -1))
        """),
        ("divide by 110", """
        def annealed_mean(l, c, T=0.38):
            return ops.matmul(ops.softmax(l / T, axis=-1), ops.convert_to_tensor(c, "float32"))
        """),
        ("multiplied the logits by T", """
        def annealed_mean(l, c, T=0.38):
            return ops.matmul(ops.softmax(l * T, axis=-1), ops.convert_to_tensor(c, "float32")) / 110
        """),
        ("ignored the temperature", """
        def annealed_mean(l, c, T=0.38):
            return ops.matmul(ops.softmax(l, axis=-1), ops.convert_to_tensor(c, "float32")) / 110
        """),
    ],
    "07_wgan_gp": [
        ("interpolated the wrong way round", _penalty(mix="alpha * fake + (1.0 - alpha) * real")),
        ("took the gradient at the real samples", _penalty(mix="real + 0.0 * alpha")),
        ("(||grad|| - 1)^2 is never negative",
         _penalty(result="-ops.mean(ops.square(ops.sqrt(ops.sum(ops.square(g), axis=1)) - 1.0))")),
        ("used the squared norm",
         _penalty(result="ops.mean(ops.square(ops.sum(ops.square(g), axis=1) - 1.0))")),
        ("one norm over the whole batch",
         _penalty(result="ops.square(ops.sqrt(ops.sum(ops.square(g))) - 1.0)")),
        ("penalised ||grad||^2", _penalty(result="ops.mean(ops.sum(ops.square(g), axis=1))")),
        ("summed a PatchGAN critic's patch scores", _penalty(total="ops.sum(scores)")),
        ("wrong sign in the penalty", """
        def critic_loss(critic, real, fake, alpha, gp_weight=10.0):
            w = ops.mean(critic(fake)) - ops.mean(critic(real))
            return w - gp_weight * gradient_penalty(critic, real, fake, alpha)
        """),
        ("wrong sign of the Wasserstein term", """
        def critic_loss(critic, real, fake, alpha, gp_weight=10.0):
            w = ops.mean(critic(real)) - ops.mean(critic(fake))
            return w + gp_weight * gradient_penalty(critic, real, fake, alpha)
        """),
        ("not multiplied by its weight lambda", """
        def critic_loss(critic, real, fake, alpha, gp_weight=10.0):
            w = ops.mean(critic(fake)) - ops.mean(critic(real))
            return w + gradient_penalty(critic, real, fake, alpha)
        """),
    ],
}


def solution_namespace(notebook):
    """The globals after running the solution notebook's code (otter's and Colab's cells skipped)."""
    namespace = {}
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code" or any(
                word in cell.source for word in ("google.colab", "import otter", "grader.")):
            continue
        exec(compile(cell.source, str(notebook), "exec"), namespace)
    return namespace


def test_cases(tests_dir):
    """(question.test name, otter test case) for every test of every question file."""
    cases = []
    for path in sorted(tests_dir.glob("q*.py")):
        spec = importlib.util.spec_from_file_location(f"otter_tests_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, value in vars(module).items():
            if type(value).__name__ == "test_case" and not isinstance(value, type):
                cases.append((f"{path.stem}.{name}", value))
    return cases


def failures(namespace, cases):
    """The failing tests' ``name: message`` lines."""
    messages = []
    for name, case in cases:
        try:
            case.call_func(namespace)
        except Exception as error:  # a test fails by raising, as under otter
            messages.append(f"{name}: {type(error).__name__}: {error}")
    return messages


def check(out):
    """Runs every catalogued mistake; returns the number of problems found."""
    problems = 0
    for name, mistakes in MISTAKES.items():
        built = out / name / "autograder"
        cases = test_cases(built / "tests")
        lines = [f"solution fails {m}"
                 for m in failures(solution_namespace(built / f"{name}.ipynb"), cases)]
        for words, code in mistakes:
            # A fresh run of the solution each time: its other functions see the mistake.
            namespace = solution_namespace(built / f"{name}.ipynb")
            exec(textwrap.dedent(code), namespace)
            messages = failures(namespace, cases)
            if not any(words.lower() in m.lower() for m in messages):
                lines.append(f"{words!r} not named; failures: {messages or 'none'}")
        verdict = "ok  " if not lines else "FAIL"
        print(f"{name:18s} {verdict}  {len(mistakes) - sum(1 for l in lines if 'not named' in l)}"
              f"/{len(mistakes)} typical mistakes named by a failing test", flush=True)
        for line in lines:
            print(f"{'':24s}{line}")
        problems += len(lines)
    return problems


if __name__ == "__main__":
    sys.exit(1 if check(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "build/assignments")) else 0)
