"""Bokmål between authors' names.

pybtex's ``plain`` style (the bibliography and the citations' tooltips) and sphinxcontrib-bibtex's
``author_year`` style (the citations in the text) join authors with the English "and" and ", and". The
two styles registered here are the same styles joining them with "og", as bokmål does: ``Miettinen og
Nurminen, 1985``; ``Hansen, Tofteng, Bråthen, Flatval og Holst``. ``_config.yml`` selects them.
"""

from dataclasses import dataclass, field

from pybtex.plugin import register_plugin as register_pybtex_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import names, sentence
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

AND = " og "


class PlainBokmal(PlainStyle):
    """pybtex's plain style with "og" between the last two names."""

    def format_names(self, role, as_sentence=True):
        formatted = names(role, sep=", ", sep2=AND, last_sep=AND)
        return sentence[formatted] if as_sentence else formatted


@dataclass
class AuthorYearBokmal(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's author_year style with "og" between the last two names."""

    person: PersonStyle = field(default_factory=lambda: PersonStyle(sep2=AND, last_sep=AND))


def setup(app):
    register_pybtex_plugin("pybtex.style.formatting", "plain_nb", PlainBokmal)
    register_plugin("sphinxcontrib.bibtex.style.referencing", "author_year_nb", AuthorYearBokmal)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
