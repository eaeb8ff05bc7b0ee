# nbval runs each notebook here with its default parameters; plotting must not need a display.
import os

os.environ.setdefault("MPLBACKEND", "Agg")
