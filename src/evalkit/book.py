"""The one module a chapter imports: ``from evalkit import book``.

It gathers what the chapters call from the modules that do the work, so that a chapter needs one
import and each thing still has one place:

- :mod:`evalkit.chapter`: :func:`setup` and the :class:`Chapter` a notebook reads its numbers from;
- :mod:`evalkit.words`: numbers and lists as bokmål words, and :func:`glue` for the prose;
- :mod:`evalkit.htmltables`: the area tables, the colour legend and any other table for a page;
- :mod:`evalkit.figures`: the figures, with their source lines;
- :mod:`evalkit.fmt`: Norwegian number formats.
"""

from . import fmt
from .chapter import Chapter, setup
from .figures import bar_figure, colour_bars, line_figure, scale_figure, short_name, show
from .htmltables import legend_html, show_table, styled_table, table_frame
from .links import page_link
from .words import and_join, count_text, glue, glue_all, join_values, span_text, years_text

__all__ = ["Chapter", "and_join", "bar_figure", "colour_bars", "count_text", "fmt", "glue", "glue_all",
           "join_values", "legend_html", "line_figure", "page_link", "scale_figure", "setup", "short_name", "show", "show_table",
           "span_text", "styled_table", "table_frame", "years_text"]
