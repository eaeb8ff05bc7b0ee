"""The mutation score per module after `mutmut run` (`make mutate`): killed / (killed + survived), and
the surviving mutants by function, so that each can be read with `mutmut show NAME`.

Mutants that no test executes ("no tests") are counted apart: they are code the fast tests never reach.
Timeouts are counted apart as well. Survivors listed in benchmarks/equivalent_mutants.md (mutants that
behave exactly like the original for every input the code is given, each with its reason) are not
killed: the raw score counts them as survivors, the second score leaves them out of the count.
"""

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

BIN = Path(sys.executable).parent
EQUIVALENTS = Path(__file__).with_name("equivalent_mutants.md")
NAME = re.compile(r"`(evalkit\.\w+\.x_\w+__mutmut_\d+)`")


def results() -> dict[str, str]:
    """Status per mutant name, from `mutmut results --all true`."""
    out = subprocess.run([str(BIN / "mutmut"), "results", "--all", "true"], capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        m = re.match(r"\s*(evalkit\.\w+\.x_?\w+?__mutmut_\d+): (.+)$", line)
        if m:
            rows[m.group(1)] = m.group(2).strip()
    return rows


def equivalents(path: Path = EQUIVALENTS) -> set[str]:
    """The mutant names listed in the equivalents file (each on a line of its own, in backticks)."""
    return set(NAME.findall(path.read_text(encoding="utf-8"))) if path.exists() else set()


def module_of(name: str) -> str:
    return name.split(".")[1]


def main() -> int:
    rows = results()
    if not rows:
        print("no mutmut results: run `mutmut run` first")
        return 1
    listed = equivalents()
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors: dict[str, Counter] = defaultdict(Counter)
    for name, status in rows.items():
        module = module_of(name)
        by_module[module][status] += 1
        if status == "survived":
            if name in listed:
                by_module[module]["equivalent"] += 1
            else:
                survivors[module][re.sub(r"^x_?|__mutmut_\d+$", "", name.split(".")[2])] += 1
    print(f"{'module':<14}{'mutants':>8}{'killed':>8}{'survived':>9}{'(equiv.)':>9}{'timeout':>8}{'no tests':>9}"
          f"{'score':>8}{'excl. equiv.':>13}")
    for module, c in sorted(by_module.items()):
        judged = c["killed"] + c["survived"]
        raw = f"{100 * c['killed'] / judged:.1f} %" if judged else "–"
        rest = judged - c["equivalent"]
        excl = f"{100 * c['killed'] / rest:.1f} %" if rest else "–"
        total = sum(v for k, v in c.items() if k != "equivalent")
        print(f"{module:<14}{total:>8}{c['killed']:>8}{c['survived']:>9}{c['equivalent']:>9}{c['timeout']:>8}"
              f"{c['no tests']:>9}{raw:>8}{excl:>13}")
    print("\nsurvivors not listed as equivalent, by function:")
    for module, functions in sorted(survivors.items()):
        print(f"  {module}: " + ", ".join(f"{f} ({n})" for f, n in functions.most_common()))
    stale = sorted(n for n in listed if rows.get(n) != "survived")
    if stale:
        print(f"\nlisted as equivalent but not a survivor of this run (killed, renumbered or not run): "
              + ", ".join(f"{n} ({rows.get(n, 'unknown')})" for n in stale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
