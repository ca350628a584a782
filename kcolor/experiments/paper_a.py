"""The experiments of notebooks 01 and 02: paper A's baseline CNN and conditional DCGAN.

``EXPERIMENTS`` maps each name to its settings and its three profiles (see
``kcolor.experiments``).
"""

EXPERIMENTS = {}
