"""Parity corpus of the app metrics (VLC, Thunderbird, media, archives, desktop checks): the inputs as specs for
:func:`tests.osworld.apps_builders.build`, and in ``EXPECTED`` the score OSWorld's own metric gave on each.

A case is ``(id, metric, result spec, expected spec, options)``; an expected spec of ``"-"`` means the metric takes
no second argument. Scores written ``"error"`` are cases where OSWorld's metric raises (which ends in score 0).
The cases live in :mod:`tests.osworld.corpus_vlc_media` and :mod:`tests.osworld.corpus_desktop`.
"""

from __future__ import annotations

from tests.osworld import corpus_desktop, corpus_vlc_media

CASES = corpus_vlc_media.CASES + corpus_desktop.CASES
EXPECTED: dict = {**corpus_vlc_media.EXPECTED, **corpus_desktop.EXPECTED}

#: compare_time_in_speedtest_results' clock in these cases
FROZEN_NOW = (2026, 12, 7, 14, 30, 5)
