"""Domain events, so that closing a period can publish benchmarks and run ladders without the
periods service importing those features (dependencies stay one-way)."""
from blinker import Namespace

_signals = Namespace()

#: sent with (period, actor=User|None, reopened=bool) after a period is closed and flushed
period_closed = _signals.signal("period-closed")

#: sent with (governor_firm, actor=User|None) when a governor firm is created or linked to a supplier,
#: so that the ladder feature creates its default ladder then (and no page view ever has to)
governor_added = _signals.signal("governor-added")
