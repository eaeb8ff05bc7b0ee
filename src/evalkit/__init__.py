"""evalkit: data, classifier, tables and book build for the evaluation of Opptrappingsplanen for
rusfeltet 2016-2020.

Data flows ``data/`` -> :mod:`evalkit.data` (validated loaders) -> :mod:`evalkit.classify` (changes
and the traffic-light rule) -> :mod:`evalkit.tables` (the report's tables) -> notebooks -> book.
"""

from .classify import COLOURS, change, classify, classify_frame
from .data import (DataValidationError, Problem, default_data_dir, load_catalogue, load_observations,
                   load_resource, validate)
from .tables import AREAS, AreaTable, all_tables, colour_counts, display_frame, indicator_table, periods

__all__ = [
    "AREAS", "COLOURS", "AreaTable", "DataValidationError", "Problem", "all_tables", "change", "classify",
    "classify_frame", "colour_counts", "default_data_dir", "display_frame", "indicator_table",
    "load_catalogue", "load_observations", "load_resource", "periods", "validate",
]
