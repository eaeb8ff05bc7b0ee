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

# What the package exports, by module; imported when first used (PEP 562), so that a process that needs
# one module (the build's Sphinx run loads evalkit.sphinx_warm) does not pay for pandas and frictionless.
_EXPORTS = {
    "classify": ["COLOURS", "change", "classify", "classify_frame"],
    "data": ["DataValidationError", "Problem", "default_data_dir", "load_catalogue", "load_observations",
             "load_resource", "validate"],
    "vocabulary": ["Vocabulary"],
    "tables": ["AreaTable", "all_tables", "colour_counts", "display_frame", "indicator_table", "periods"],
}
_MODULE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE)


def __getattr__(name: str):
    if name not in _MODULE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_MODULE[name]}", __name__), name)
