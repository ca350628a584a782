"""The experiments of notebooks 04 and 05: paper E's losses and paper C's colourful colourization.

``EXPERIMENTS`` maps each name to its settings and its three profiles (see
``kcolor.experiments``).
"""

EXPERIMENTS = {}
