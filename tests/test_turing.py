"""The colourization Turing test (paper E's AdverSuc), scripted."""

import numpy as np
import pytest

from kcolor.turing import TuringTest


@pytest.fixture
def pairs(rng):
    real = rng.integers(0, 256, (40, 8, 8, 3), dtype=np.uint8)
    grey = np.repeat(real.mean(axis=-1, keepdims=True).astype(np.uint8), 3, axis=-1)
    return real, grey


def test_a_judge_who_knows_is_never_fooled(pairs):
    real, fake = pairs
    real_set = {r.tobytes() for r in real}
    results = TuringTest(real, fake, seed=1).run(lambda image: image.tobytes() in real_set)
    assert results["fooling_rate"] == 0.0 and results["real_judged_real"] == 1.0
    assert results["accuracy"] == 1.0 and results["judged"] == 40
    assert 0 < results["colourised_shown"] < 40, "both kinds are shown"


def test_a_judge_who_always_says_real_is_always_fooled(pairs):
    results = TuringTest(*pairs, seed=2).run(lambda image: True)
    assert results["fooling_rate"] == 1.0
    assert results["accuracy"] == pytest.approx(results["real_shown"] / results["judged"])


def test_colorfulness_judge_sees_through_grey_fakes(pairs):
    def vivid(image):
        return float(np.std(image.astype(float) - image.mean(axis=-1, keepdims=True))) > 1.0

    results = TuringTest(*pairs, seed=3).run(vivid)
    assert results["fooling_rate"] == 0.0


def test_each_photo_shown_once_and_order_depends_on_seed(rng):
    real = rng.integers(0, 256, (30, 4, 4, 3), dtype=np.uint8)
    fake = 255 - real
    index = {img.tobytes(): i for i, img in enumerate(real)}
    index.update({img.tobytes(): i for i, img in enumerate(fake)})

    def shown(seed):
        test, order = TuringTest(real, fake, seed=seed), []
        while not test.done:
            order.append(index[test.current().tobytes()])
            test.record(True)
        return order

    first = shown(0)
    assert sorted(first) == list(range(30)), "every photo once, one version of it"
    assert shown(0) == first and shown(7) != first
    t = TuringTest(real, fake, seed=0, count=5)
    t.run(lambda image: False)
    assert t.done and t.current() is None and len(t) == 5
    with pytest.raises(RuntimeError):
        t.record(False)


@pytest.mark.parametrize(
    "real, fake, match",
    [
        (np.zeros((2, 4, 4, 3), np.uint8), np.zeros((3, 4, 4, 3), np.uint8), "same shape"),
        (np.zeros((2, 4, 4, 3), np.float32), np.zeros((2, 4, 4, 3), np.float32), "uint8"),
        (np.zeros((0, 4, 4, 3), np.uint8), np.zeros((0, 4, 4, 3), np.uint8), "at least one"),
    ],
)
def test_bad_input(real, fake, match):
    with pytest.raises(ValueError, match=match):
        TuringTest(real, fake)


def test_widget_builds_and_scores_clicks(pairs):
    pytest.importorskip("ipywidgets")
    real, fake = pairs
    test = TuringTest(real, fake, seed=0, count=3)
    box = test.widget()
    real_button = box.children[1].children[0]
    for _ in range(3):
        real_button.click()
    assert test.done and "Done" in box.children[2].value
