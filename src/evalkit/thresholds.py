"""The traffic-light rule's default thresholds (:mod:`evalkit.classify` states and applies the rule).

A module of their own, without pandas, so that the build's process, which only names them as the
chapters' parameters, does not import what the chapters compute with.
"""

DEFAULT_POINTS_THRESHOLD = 1.0  # shares: a change of more than 1 percentage point (per year) is green or red
DEFAULT_RELATIVE_THRESHOLD = 2.5  # counts and money: more than 2.5 % (per year)
