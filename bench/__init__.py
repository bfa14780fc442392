"""``make bench``: the import, the reminders, the workbook and the heavy pages at 1x, 3x and 10x
the bureau, each measured beside the plain way of doing the same work, in the same run and
interleaved, so that the ratios (not the raw times of a shared machine) are what is compared.

    python -m bench                          # everything, PostgreSQL + Redis on loopback
    python -m bench --only workbook,pages    # some measures
    python -m bench --scales 1,3 --seconds 3 # smaller, quicker

See docs/benchmarks.md for what each figure means and the targets.
"""
