"""The ``evalkit`` command: ``validate``, ``table`` and ``build``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .thresholds import DEFAULT_POINTS_THRESHOLD, DEFAULT_RELATIVE_THRESHOLD

# The data, tables and vocabulary modules (pandas, frictionless) are imported by the commands that use
# them: `evalkit build` keeps its process small while its kernels run (the data are validated in a
# process of their own: evalkit.build.validate_data).


def _data_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, default=None, help="data directory (default: the book's data/, found from the current folder)")


def _threshold_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--points-threshold", type=float, default=DEFAULT_POINTS_THRESHOLD,
                   help="yellow band for shares, in percentage points (default %(default)s)")
    p.add_argument("--relative-threshold", type=float, default=DEFAULT_RELATIVE_THRESHOLD,
                   help="yellow band for counts and money, in per cent (default %(default)s)")


def _validated(data_dir: Path | None) -> dict:
    from . import data as data_mod

    try:
        return data_mod.validate(data_dir)
    except data_mod.DataValidationError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(1) from None


def cmd_validate(args) -> int:
    frames = _validated(args.data)
    summary = ", ".join(f"{len(df)} {name}" for name, df in frames.items())
    print(f"data package is valid: {summary}")
    return 0


def cmd_table(args) -> int:
    from .tables import display_frame, indicator_table
    from .vocabulary import Vocabulary

    frames = _validated(args.data)
    vocab = Vocabulary.from_frames(frames)
    if args.area != "all" and args.area not in vocab.areas:
        print(f"unknown area {args.area!r}; one of: {', '.join(vocab.areas)}, all", file=sys.stderr)
        return 2
    areas = list(vocab.areas) if args.area == "all" else [args.area]
    thresholds = dict(points_threshold=args.points_threshold, relative_threshold=args.relative_threshold)
    for i, area in enumerate(areas):
        table = indicator_table(frames["indicators"], frames["observations"], area,
                                as_of=args.as_of, base=args.base, **thresholds)
        frame = display_frame(table, vocab)
        if args.format == "csv":
            frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        else:
            if len(areas) > 1:
                print(f"{'' if i == 0 else chr(10)}## {vocab.area(area)} ({args.base}–{args.as_of})\n")
            print(frame.to_markdown(index=False))
    return 0


def _run(action, failure: str) -> int:
    """Run *action* (a build or the preview); turn the ways it can fail into a message and an exit code:
    2 when another build holds the lock (--no-wait), 1 for bad data or a failed build."""
    from .build import BuildBusy, BuildError

    try:
        return action() or 0
    except BuildBusy as exc:
        print(f"{exc}; not waiting (--no-wait)", file=sys.stderr)
        return 2
    except BuildError as exc:
        print(f"{failure}\n{exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        from .data import DataValidationError

        if not isinstance(exc, DataValidationError):
            raise
        print(exc, file=sys.stderr)
        return 1


def cmd_build(args) -> int:
    from .build import build

    return _run(lambda: build(as_of=args.as_of, base=args.base, jobs=args.jobs, data_dir=args.data, force=args.force,
                              root=args.root, out=args.out, wait=not args.no_wait, pdf=not args.no_pdf,
                              points_threshold=args.points_threshold, relative_threshold=args.relative_threshold)
                and None, "build failed; the published book is unchanged.")


def cmd_preview(args) -> int:
    from .preview import refresh_stage, serve

    root = (args.root or Path.cwd()).resolve()
    out = (args.out or root / "_build").resolve()
    stage = dict(as_of=args.as_of, base=args.base, data_dir=args.data, jobs=args.jobs,
                 points_threshold=args.points_threshold, relative_threshold=args.relative_threshold)
    if args.stage_only:
        return _run(lambda: refresh_stage(root=root, out=out, **stage) and None, "preview failed:")
    stage_args = ["--as-of", str(args.as_of), "--base", str(args.base),
                  "--points-threshold", str(args.points_threshold),
                  "--relative-threshold", str(args.relative_threshold),
                  *(["--data", str(args.data.resolve())] if args.data else [])]
    return _run(lambda: serve(root=root, out=out, host=args.host, port=args.port, stage_args=stage_args, **stage),
                "preview failed:")


def _book_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=int, default=2020, help="last year the book covers (default %(default)s)")
    p.add_argument("--base", type=int, default=2016, help="first year (default %(default)s)")
    p.add_argument("--jobs", type=int, default=None, help="notebooks executed at once (default: the number of cores)")
    p.add_argument("--root", type=Path, default=None, help="the book's folder (default: the current folder)")
    p.add_argument("--out", type=Path, default=None, help="where the book and the cache go (default: ROOT/_build)")
    _data_arg(p)
    _threshold_args(p)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evalkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="validate the data package; exit non-zero listing every problem")
    _data_arg(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("table", help="print an area's indicator table in the report's layout")
    p.add_argument("area", help="an area of data/areas.csv (hovedmal1, ressursinnsats, ...) or 'all'")
    p.add_argument("--as-of", type=int, required=True, help="last year of the table")
    p.add_argument("--base", type=int, default=2016, help="first year (default %(default)s)")
    p.add_argument("--format", choices=["markdown", "csv"], default="markdown")
    _data_arg(p)
    _threshold_args(p)
    p.set_defaults(func=cmd_table)

    p = sub.add_parser("build", help="validate the data and build the book")
    _book_args(p)
    p.add_argument("--force", action="store_true",
                   help="execute every notebook and rebuild even if nothing changed (ignore the cache)")
    p.add_argument("--no-wait", action="store_true",
                   help="if another build is running in the same output folder, exit with code 2 instead of waiting")
    p.add_argument("--no-pdf", action="store_true", help="build the web book only, without the print edition (PDF)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("preview", help="serve the book on localhost, rebuilt and reloaded on every save")
    _book_args(p)
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (default %(default)s)")
    p.add_argument("--port", type=int, default=8000, help="port (default %(default)s)")
    p.add_argument("--stage-only", action="store_true", help=argparse.SUPPRESS)  # the watcher's pre-build step
    p.set_defaults(func=cmd_preview)

    args = parser.parse_args(argv)
    if getattr(args, "as_of", None) is not None and args.as_of <= args.base:
        parser.error(f"--as-of ({args.as_of}) must be after --base ({args.base})")
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
