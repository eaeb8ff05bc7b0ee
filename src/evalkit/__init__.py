"""evalkit: data, classifier, tables and book build for the evaluation of Opptrappingsplanen for
rusfeltet 2016-2020.

Data flows ``data/`` -> :mod:`evalkit.data` (validated loaders) -> :mod:`evalkit.classify` (changes
and the traffic-light rule) -> :mod:`evalkit.tables` (the report's tables), beside it :mod:`evalkit.views` (the three readings), then
:mod:`evalkit.book` (what a chapter imports: :mod:`~evalkit.chapter`, :mod:`~evalkit.words`,
:mod:`~evalkit.htmltables`, :mod:`~evalkit.figures`) -> chapters -> book (:mod:`evalkit.build`).
The words the book uses for the data's codes come from the data too (:mod:`evalkit.vocabulary`).
Corrections after publication are logged in ``data/revisions.csv`` (:mod:`evalkit.revisions`), and
:mod:`evalkit.editions` computes what differs between the 2018 and the final edition.
"""

from .classify import COLOURS, change, classify, classify_frame
from .data import (DataValidationError, Problem, default_data_dir, load_catalogue, load_observations,
                   load_resource, validate)
from .vocabulary import Vocabulary
from .tables import AreaTable, all_tables, colour_counts, display_frame, indicator_table, periods

__all__ = [
    "COLOURS", "AreaTable", "DataValidationError", "Problem", "all_tables", "change", "classify",
    "classify_frame", "colour_counts", "default_data_dir", "display_frame", "indicator_table",
    "load_catalogue", "load_observations", "load_resource", "periods", "validate", "Vocabulary",
]
