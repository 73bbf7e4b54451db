"""Store-site planning solvers: p-median and maximal coverage.

Pure numpy/scipy, no Django.  Both solvers share one shape:

1. validate the input (``PlanningInputError`` with a readable message);
2. shrink it (zero-weight demand rows dropped; for coverage, rows already covered by a fixed site
   or not coverable at all are dropped and identical coverage rows are merged);
3. a fast heuristic: greedy, then a vectorised best-improvement swap (interchange) local search
   in the style of Whitaker / Resende-Werneck (closest and second-closest open site per demand
   point, profit of every (insert j, remove r) pair from one pass over the matrix);
4. an exact certificate with HiGHS (scipy): the LP relaxation first (very often integral for the
   p-median), reduced-cost fixing, then a MILP under the remaining ``time_limit``.  The
   p-median uses the radius formulation (Cornuejols-Nemhauser-Wolsey / Elloumi / Garcia-Labbe-
   Marin) over the sorted distinct costs of each demand row, truncated at the heuristic's
   distance and extended only where the truncation binds, so a 15 000 x 700 instance stays small.

See docs/planner.md for the algorithms and the benchmark figures.
"""

from .common import PlanningInputError, Solution
from .coverage import max_coverage
from .pmedian import p_median

__all__ = ["PlanningInputError", "Solution", "max_coverage", "p_median"]
