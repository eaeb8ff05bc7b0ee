"""The mutation score per module after `mutmut run` (`make mutate`): killed / (killed + survived), and
the surviving mutants by function, so that each can be read with `mutmut show NAME`.

Mutants that no test executes ("no tests") are counted apart: they are code the fast tests never reach.
"""

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

BIN = Path(sys.executable).parent


def results() -> list[tuple[str, str, str]]:
    """(module, function, status) per mutant, from `mutmut results --all true`."""
    out = subprocess.run([str(BIN / "mutmut"), "results", "--all", "true"], capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*evalkit\.(\w+)\.x_?(\w+?)__mutmut_\d+: (.+)$", line)
        if m:
            rows.append((m.group(1), m.group(2), m.group(3).strip()))
    return rows


def main() -> int:
    rows = results()
    if not rows:
        print("no mutmut results: run `mutmut run` first")
        return 1
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors: dict[str, Counter] = defaultdict(Counter)
    for module, function, status in rows:
        by_module[module][status] += 1
        if status == "survived":
            survivors[module][function] += 1
    print(f"{'module':<14}{'mutants':>8}{'killed':>8}{'survived':>9}{'no tests':>9}{'score':>8}")
    for module, c in sorted(by_module.items()):
        judged = c["killed"] + c["survived"]
        score = f"{100 * c['killed'] / judged:.0f} %" if judged else "–"
        print(f"{module:<14}{sum(c.values()):>8}{c['killed']:>8}{c['survived']:>9}{c['no tests']:>9}{score:>8}")
    print("\nsurvivors by function:")
    for module, functions in sorted(survivors.items()):
        print(f"  {module}: " + ", ".join(f"{f} ({n})" for f, n in functions.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
