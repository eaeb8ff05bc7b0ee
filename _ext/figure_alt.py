"""Figures keep their text alternative.

evalkit displays each figure with its text alternative (what it shows and its main numbers, made from
the data by :mod:`evalkit.figures`) in the output's metadata, ``{"image/svg+xml": {"alt": "…"}}``, the
place Jupyter keeps per-representation metadata. myst-nb 1.x reads only ``width`` and ``height`` from
there and would write the image's file path as its ``alt``; this extension has its image renderer read
``alt`` too. Nothing else of the rendering changes.
"""

from myst_nb.core.render import NbElementRenderer


def _with_alt(render_image):
    def render(self, data):
        nodes = render_image(self, data)
        alt = data.output_metadata.get(data.mime_type, {}).get("alt")
        if alt:
            for node in nodes:
                node["alt"] = str(alt)
        return nodes

    render.evalkit_alt = True
    return render


def setup(app):
    if not getattr(NbElementRenderer.render_image, "evalkit_alt", False):
        NbElementRenderer.render_image = _with_alt(NbElementRenderer.render_image)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
