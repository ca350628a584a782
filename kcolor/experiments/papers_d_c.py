"""The experiments of notebooks 06 and 07: paper D's GAN zoo and paper C's GAN variants.

``EXPERIMENTS`` maps each name to its settings and its three profiles (see
``kcolor.experiments``).
"""

EXPERIMENTS = {}
