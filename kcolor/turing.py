"""A colourization Turing test: paper E's AdverSuc, interactive or scripted.

Paper E (section 5.2) showed students random images, each either an original
photo or one colourised by the model, and asked which it was; the adversarial
success (AdverSuc) is "the fraction of instances in which the students were
fooled". ``TuringTest`` runs exactly that: it shuffles real and colourised
images (one of the two versions of each photo, chosen at random, so a person
never sees both), records the guesses, and reports

* ``fooling_rate`` (AdverSuc): colourised images judged real / colourised shown,
* ``real_judged_real``: real images judged real / real shown,
* ``accuracy``: correct guesses / all guesses.

A perfect colorizer drives ``fooling_rate`` to ``real_judged_real`` (the judge
cannot tell them apart); chance guessing gives 0.5 for both.

Interactive (Jupyter, ipywidgets)::

    test = TuringTest(real_images, colourised_images, seed=0)
    test.widget()          # click "Real" or "Colourised" for each image
    test.results()

Scripted (CI, or a machine judge)::

    test.run(lambda image: colorfulness_of(image) > 20)   # True means "real"

Reference: paper E section 5.2; Zhang et al. 2016 (colourization Turing test).
"""

import numpy as np


class TuringTest:
    """One round of a colourization Turing test over paired real/colourised images.

    Args:
        real: uint8 array (N, H, W, 3) of the original photos.
        colourised: uint8 array of the same shape: the model's output for
            each of those photos (same order).
        seed: seeds the order and which version of each photo is shown.
        count: how many images to show (default: all N photos, one version each).
    """

    def __init__(self, real, colorized, *, seed=0, count=None):
        real = np.asarray(real)
        colorized = np.asarray(colorized)
        if real.shape != colorized.shape:
            raise ValueError(
                f"real and colourised must have the same shape, got {real.shape} "
                f"and {colorized.shape}"
            )
        if real.ndim != 4 or real.shape[-1] != 3 or real.dtype != np.uint8:
            raise ValueError(
                f"images must be uint8 RGB of shape (N, H, W, 3), got {real.dtype} {real.shape}"
            )
        n = len(real)
        if n == 0:
            raise ValueError("the Turing test needs at least one image")
        count = n if count is None else int(count)
        if not 1 <= count <= n:
            raise ValueError(f"count must be between 1 and {n}, got {count}")
        rng = np.random.default_rng(seed)
        photos = rng.permutation(n)[:count]
        shows_real = rng.random(count) < 0.5
        self._images = [real[i] if r else colorized[i] for i, r in zip(photos, shows_real)]
        self._is_real = [bool(r) for r in shows_real]
        self._guesses = []

    def __len__(self):
        return len(self._images)

    @property
    def done(self):
        return len(self._guesses) == len(self._images)

    def current(self):
        """The image to judge now, or None when every image has been judged."""
        return None if self.done else self._images[len(self._guesses)]

    def record(self, guess_real):
        """Records the judge's answer for the current image (True: "real")."""
        if self.done:
            raise RuntimeError("every image has been judged already")
        self._guesses.append(bool(guess_real))

    def run(self, chooser):
        """Judges every remaining image with ``chooser(image) -> bool`` ("real?")."""
        while not self.done:
            self.record(chooser(self.current()))
        return self.results()

    def results(self):
        """The scores so far: fooling_rate (AdverSuc), real_judged_real, accuracy, counts."""
        judged = list(zip(self._is_real, self._guesses))
        fakes = [guess for real, guess in judged if not real]
        reals = [guess for real, guess in judged if real]
        correct = sum(guess == real for real, guess in judged)
        return {
            "fooling_rate": float(np.mean(fakes)) if fakes else float("nan"),
            "real_judged_real": float(np.mean(reals)) if reals else float("nan"),
            "accuracy": correct / len(judged) if judged else float("nan"),
            "judged": len(judged),
            "colourised_shown": len(fakes),
            "real_shown": len(reals),
        }

    def widget(self, scale=4):
        """An ipywidgets round: the image, "Real" / "Colourised" buttons, the score.

        Returns the widget (display it, or let Jupyter show the cell's value).
        """
        import io

        import ipywidgets as widgets
        from PIL import Image

        picture = widgets.Image(format="png")
        status = widgets.HTML()
        real_button = widgets.Button(description="Real", button_style="success")
        fake_button = widgets.Button(description="Colourised", button_style="warning")

        def show():
            image = self.current()
            if image is None:
                r = self.results()
                status.value = (
                    f"<b>Done.</b> You were fooled by {r['fooling_rate']:.0%} of the "
                    f"colourised images (AdverSuc) and called {r['real_judged_real']:.0%} "
                    f"of the real ones real; accuracy {r['accuracy']:.0%}."
                )
                real_button.disabled = fake_button.disabled = True
                return
            h, w = image.shape[:2]
            buffer = io.BytesIO()
            Image.fromarray(image).resize((w * scale, h * scale), Image.NEAREST).save(
                buffer, format="PNG"
            )
            picture.value = buffer.getvalue()
            status.value = f"Image {len(self._guesses) + 1} of {len(self)}: real or colourised?"

        def answer(guess_real):
            def handler(_):
                self.record(guess_real)
                show()

            return handler

        real_button.on_click(answer(True))
        fake_button.on_click(answer(False))
        show()
        return widgets.VBox([picture, widgets.HBox([real_button, fake_button]), status])


__all__ = ["TuringTest"]
