"""The packaged sample colorizer (issue 5): small, loadable safely, and retrainable."""

import numpy as np
import pytest

from kcolor import colorize, data, inference, metrics, sample_model


def test_packaged_model_is_small_and_loads_with_safe_mode():
    assert sample_model.PACKAGED.exists(), "run: python -m kcolor train-sample --out kcolor/resources/sample_colorizer.keras"
    assert sample_model.PACKAGED.stat().st_size < 5 * 1024 * 1024
    model = sample_model.load()
    assert inference.model_image_size(model) == sample_model.IMAGE_SIZE


def test_packaged_model_colors_the_unseen_test_regions():
    model = sample_model.load()
    test = data.sample("test", image_size=sample_model.IMAGE_SIZE, batch_size=100)
    scores = metrics.evaluate(model, test, verbose=False)
    # Trained: it predicts colour (a grey predictor scores 0) of the right order
    # of magnitude, and its errors are bounded (an untrained net's are not).
    assert scores["colorfulness"] > 10
    assert scores["mae_ab"] < 40
    # The test regions are new views of the training scenes: it beats the grey
    # predictor there (measured 10.8 against 16.8 at 64 px).
    grey = metrics.reference_rows(test)["grey"]
    assert scores["mae_ab"] < grey["mae_ab"] - 2, (scores, grey)
    photo = data.embedded.load_photo("chelsea")
    out = colorize(photo, model)
    assert out.shape == photo.shape


@pytest.mark.slow
def test_train_writes_a_loadable_model_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.setattr(sample_model, "EPOCHS", 1)
    path = sample_model.train(tmp_path / "s.keras", image_size=32, verbose=0)
    model = inference.load_colorizer(path)
    L = np.zeros((2, 32, 32, 1), np.float32)
    assert model.predict_on_batch(L).shape == (2, 32, 32, 2)
    with pytest.raises(FileExistsError):
        sample_model.train(path, image_size=32, verbose=0)
    with pytest.raises(ValueError, match=".keras"):
        sample_model.train(tmp_path / "s.h5", verbose=0)
