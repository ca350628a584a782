"""Where kcolor keeps data and models on Colab: a folder on Google Drive.

Each Colab notebook runs in its own runtime, whose disk is wiped when it
disconnects. When Google Drive is mounted (``drive.mount("/content/drive")``)
kcolor keeps what must outlast a runtime in ``MyDrive/kcolor``: the prepared
data sets (``kcolor.data``) and the trained models and checkpoints
(``kcolor.experiments.models_folder``), so that a second notebook neither
downloads again nor retrains.
"""

import importlib.util
import os
from pathlib import Path

DRIVE = Path("/content/drive/MyDrive")


def on_colab():
    """Whether this runs in a Google Colab runtime."""
    if os.environ.get("COLAB_RELEASE_TAG"):
        return True
    try:
        return importlib.util.find_spec("google.colab") is not None
    except (ImportError, ValueError):  # no "google" package at all
        return False


def drive_folder():
    """``MyDrive/kcolor`` on Colab with Google Drive mounted, else ``None``.

    Returns:
        ``Path("/content/drive/MyDrive/kcolor")`` when this runs on Colab and
        ``/content/drive/MyDrive`` exists (Drive is mounted), otherwise
        ``None``. The folder itself is created by whoever writes to it.

    Example:
        >>> from google.colab import drive
        >>> drive.mount("/content/drive")
        >>> kcolor.colab.drive_folder()
        PosixPath('/content/drive/MyDrive/kcolor')
    """
    if DRIVE.is_dir() and on_colab():
        return DRIVE / "kcolor"
    return None


__all__ = ["DRIVE", "drive_folder", "on_colab"]
